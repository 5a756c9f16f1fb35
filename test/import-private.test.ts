import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import type { Brain } from "../src/core/brain.ts";
import { nodesOfPublicEntries } from "../src/core/graph/store.ts";
import { listLedger } from "../src/core/privacy/egress-ledger.ts";
import { createMcpServer } from "../src/mcp/server.ts";
import { textOf } from "./support/mcp-client.ts";
import { tempDir, testBrain } from "./support/tmp.ts";

/**
 * A long note is split into several entries on import; a note marked #private (in its front
 * matter, or by a #private anywhere in its text) must leave none of them public, or an MCP client
 * or a cloud model gets the parts that do not carry the tag themselves.
 */

const SECRET = "lymphoma stage two";
const section = (title: string, word: string, extra = "") =>
  `## ${title}\n${extra}${Array.from({ length: 450 }, () => word).join(" ")}\n`;

/** About 10,000 characters in three parts: the title with Week 1, Diagnosis, Week 3. */
function healthJournal(marks: { title?: string; front?: string; footer?: string } = {}): string {
  const front = `---\ntags: [health${marks.front ? `, ${marks.front}` : ""}]\n---\n`;
  return [
    `${front}# Health journal${marks.title ? ` ${marks.title}` : ""}\n\nStarted therapy.\n`,
    section("Week 1", "anxious", "Talked it through #therapy\n"),
    section("Diagnosis", "scared", `The oncologist confirmed ${SECRET}.\n`),
    section("Week 3", "calmer", marks.footer ? `${marks.footer}\n` : ""),
  ].join("\n");
}

function writeNote(text: string, name = "health.md"): { dir: string; file: string } {
  const dir = tempDir();
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return { dir, file };
}

/** The entries made from a file, part 1 first. */
function partsOf(brain: Brain, file: string) {
  return brain.entries
    .list({ limit: 100 })
    .filter((e) => e.source?.startsWith(`file:${file}#`))
    .sort((a, b) => a.source!.localeCompare(b.source!, "en", { numeric: true }));
}

/**
 * A keyword search by an MCP client (an assistant: it gets no #private memory): the ids it got,
 * its text, and the whole result as it arrived.
 */
async function mcpSearch(brain: Brain, query: string) {
  const { server } = createMcpServer(brain, { version: "0", log: () => {} });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "cloud-assistant", version: "1" });
  await client.connect(clientSide);
  const result = (await client.callTool({
    name: "search",
    arguments: { query, mode: "keyword" },
  })) as CallToolResult;
  await client.close();
  const { results } = result.structuredContent as { results: { id: number }[] };
  return { ids: results.map((r) => r.id), text: textOf(result), raw: JSON.stringify(result) };
}

/** Every node (tag, title, person) an entry of the brain links to or answers to. */
function allNodes(brain: Brain) {
  return brain.db.prepare("SELECT type, name FROM nodes").all() as { type: string; name: string }[];
}

describe("a long #private note split on import", () => {
  it.each([
    { where: "in its title line", marks: { title: "#private" }, tags: ["health", "private", "therapy"] },
    {
      where: "at its end",
      marks: { footer: "#private/medical" },
      tags: ["health", "therapy", "private/medical"],
    },
    { where: "in its front matter", marks: { front: "Private" }, tags: ["health", "private", "therapy"] },
    {
      where: "in a .txt note",
      marks: { title: "#private" },
      tags: ["health", "private", "therapy"],
      name: "health.txt",
    },
  ])("marked $where: every part carries the note's tags", async ({ marks, tags, name }) => {
    const brain = testBrain();
    const { dir, file } = writeNote(healthJournal(marks), name);
    expect(await brain.import([dir])).toMatchObject({ added: 3, failed: [] });
    const parts = partsOf(brain, file);
    expect(parts.map((p) => p.source)).toEqual([1, 2, 3].map((n) => `file:${file}#${n}`));
    expect(parts.map((p) => p.tags)).toEqual([tags, tags, tags]);
  });

  it("keeps every part from an MCP client: search returns none of it and reports it withheld", async () => {
    const brain = testBrain();
    const { dir, file } = writeNote(healthJournal({ title: "#private" }));
    await brain.import([dir]);
    expect(partsOf(brain, file)).toHaveLength(3);
    const flyer = brain.entries.capture({ text: "Flyer for the lymphoma awareness week" }).entry.id;
    const result = await mcpSearch(brain, "lymphoma");
    expect(result.ids).toEqual([flyer]);
    expect(result.raw).not.toContain(SECRET);
    expect(result.text).toContain("Note: 1 private memory withheld.");
    expect(listLedger(brain.db)[0]).toMatchObject({ road: "mcp", entry_ids: [flyer], withheld: 1 });
    // Nor do its tags and titles count as public: they are drawn from the note's text.
    expect(nodesOfPublicEntries(brain.db, allNodes(brain))).toEqual([]);
  });
});

describe("importing a #private note again", () => {
  /** A brain holding what an import before every part carried the tag left: parts 2 and 3 public. */
  async function importedBeforeTheFix() {
    const brain = testBrain();
    const { dir, file } = writeNote(healthJournal({ title: "#private" }));
    await brain.import([dir]);
    const [, ...later] = partsOf(brain, file);
    for (const part of later) brain.entries.edit(part.id, { tags: [] });
    return { brain, dir, file };
  }

  it("makes the public parts an older import left private, changed in Local Brain or not", async () => {
    const { brain, dir, file } = await importedBeforeTheFix();
    const edited = partsOf(brain, file)[2]!;
    brain.entries.edit(edited.id, { text: `${edited.text}\n\nAsked for a second opinion.`, tags: [] });
    expect(partsOf(brain, file).map((p) => p.tags)).toEqual([["health", "private", "therapy"], [], []]);

    expect(await brain.import([dir])).toMatchObject({ added: 0, updated: 2, unchanged: 1, removed: 0 });
    const tags = ["health", "private", "therapy"];
    // The part changed in Local Brain keeps that change and its own tags; it only gains #private.
    expect(partsOf(brain, file).map((p) => p.tags)).toEqual([tags, tags, ["private"]]);
    expect(brain.entries.get(edited.id).text).toContain("Asked for a second opinion.");
    for (const query of ["lymphoma", "opinion"]) {
      const result = await mcpSearch(brain, query);
      expect(result.ids).toEqual([]);
      expect(result.raw).not.toContain(query === "lymphoma" ? SECRET : "second opinion");
      expect(result.text).toContain("Note: 1 private memory withheld.");
    }
  });

  it("makes a kept part private although its part is gone from the note", async () => {
    const { brain, dir, file } = await importedBeforeTheFix();
    const last = partsOf(brain, file)[2]!;
    brain.entries.edit(last.id, { text: `${last.text}\n\nFeeling calmer now.`, tags: [] });
    fs.writeFileSync(file, healthJournal({ title: "#private" }).replace(/## Week 3[\s\S]*$/, ""));

    const report = await brain.import([dir]);
    expect(report).toMatchObject({ added: 0, updated: 1, unchanged: 1, removed: 0 });
    expect(report.kept).toEqual([
      { id: last.id, path: file, reason: "changed in Local Brain since it was imported" },
    ]);
    expect(brain.entries.get(last.id).tags).toEqual(["private"]);
    expect(brain.entries.get(last.id).text).toContain("Feeling calmer now.");
  });
});

/** What an import added, updated and left unchanged. */
type Counts = { added: number; updated: number; unchanged: number };

/**
 * Imports a `.jsonl` file of the `before` lines, then the same file holding the `after` lines,
 * then that once more: the brain and each import's counts.
 */
async function importAgain(before: object[], after: object[]): Promise<{ brain: Brain; counts: Counts[] }> {
  const brain = testBrain();
  const file = path.join(tempDir(), "lines.jsonl");
  const counts: Counts[] = [];
  for (const lines of [before, after, after]) {
    fs.writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`);
    const { added, updated, unchanged } = await brain.import([file]);
    counts.push({ added, updated, unchanged });
  }
  return { brain, counts };
}

/** The lines of an export whose 21 lines share one source: 20 messages, then `last`. */
const exportLines = (last: string) =>
  [...Array.from({ length: 20 }, (_, i) => `message ${i}`), last].map((text) => ({
    text,
    source: "slack-export",
  }));

describe("a .jsonl line imported again with more tags", () => {
  it("adds them to the entry it made: a line given the private tag makes that entry private", async () => {
    const { brain, counts } = await importAgain(
      [{ text: "my salary is 250k", tags: ["money"] }],
      [{ text: "my salary is 250k", tags: ["money", "private"] }],
    );
    expect(counts).toEqual([
      { added: 1, updated: 0, unchanged: 0 },
      { added: 0, updated: 1, unchanged: 0 },
      { added: 0, updated: 0, unchanged: 1 },
    ]);
    expect(brain.entries.list().map((e) => e.tags)).toEqual([["money", "private"]]);
  });

  it("the same for a line with a source: its entry gains the tags, `private` or `#private`", async () => {
    const turn = (i: number, tags?: string[]) => ({
      text: `turn ${i}: my salary is 250k`,
      source: "chat:7",
      tags,
    });
    const { brain, counts } = await importAgain(
      [turn(0, ["money"]), turn(1)],
      [turn(0, ["money", "private"]), turn(1, ["#private"])],
    );
    expect(counts).toEqual([
      { added: 2, updated: 0, unchanged: 0 },
      { added: 0, updated: 2, unchanged: 0 },
      { added: 0, updated: 0, unchanged: 2 },
    ]);
    expect(brain.entries.list().map((e) => [e.text, e.tags])).toEqual([
      ["turn 1: my salary is 250k", ["private"]],
      ["turn 0: my salary is 250k", ["money", "private"]],
    ]);
  });

  it("a line with a source that says #private in its text now makes its entry private instead of adding one", async () => {
    const line = (text: string) => ({ text, source: "chat:7#3", tags: ["money"] });
    const { brain, counts } = await importAgain(
      [line("my salary is 250k"), line("lunch on friday #food")],
      [line("my salary is 250k #private"), line("lunch on saturday #food")],
    );
    expect(counts).toEqual([
      { added: 2, updated: 0, unchanged: 0 },
      { added: 1, updated: 1, unchanged: 0 },
      { added: 0, updated: 0, unchanged: 2 },
    ]);
    // A line changed otherwise is a new entry, as before.
    expect(brain.entries.list().map((e) => [e.text, e.tags])).toEqual([
      ["lunch on saturday #food", ["money", "food"]],
      ["lunch on friday #food", ["money", "food"]],
      ["my salary is 250k #private", ["money", "private"]],
    ]);
  });

  it("a source that more than 20 lines share: #private written into a line makes its entry private too", async () => {
    const { brain, counts } = await importAgain(
      exportLines("my salary is 250k, ask @sam"),
      exportLines("my salary is #private/money 250k, ask @sam"),
    );
    expect(counts).toEqual([
      { added: 21, updated: 0, unchanged: 0 },
      { added: 0, updated: 1, unchanged: 20 },
      { added: 0, updated: 0, unchanged: 21 },
    ]);
    expect(brain.entries.list({ limit: 2 }).map((e) => [e.text, e.tags])).toEqual([
      ["my salary is #private/money 250k, ask @sam", ["private/money"]],
      ["message 19", []],
    ]);
  });

  it("a source that more than 20 lines share does not tell its lines apart otherwise: a tag also taken out adds a private entry", async () => {
    const { brain, counts } = await importAgain(
      exportLines("my salary is 250k #money"),
      exportLines("my salary is 250k #private"),
    );
    expect(counts.map((c) => c.added)).toEqual([21, 1, 0]);
    expect(brain.entries.list({ limit: 2 }).map((e) => [e.text, e.tags])).toEqual([
      ["my salary is 250k #private", ["private"]],
      ["my salary is 250k #money", ["money"]],
    ]);
  });
});
