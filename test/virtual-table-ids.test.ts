import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOllamaChat } from "../src/core/adapters/ollama-chat.ts";
import { ABSTAIN_ANSWER } from "../src/core/ask/ask.ts";
import { withCoverage } from "../src/core/ask/retrieval.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { ROOT } from "./support/cli.ts";
import { testBrain } from "./support/tmp.ts";

/**
 * better-sqlite3 binds a JavaScript number as REAL, and FTS5 ignores `rowid = 8.0` next to a MATCH:
 * the query then answers for every matching row. The project's rule (ARCHITECTURE.md, "Ids in virtual
 * tables"): a bound value compared with a virtual table's rowid or `k` is written `CAST(? AS INTEGER)`.
 */
describe("ids bound into virtual tables", () => {
  it("gives each keyword result the snippet of its own entry, never another's", async () => {
    const brain = testBrain();
    brain.entries.capture({ text: "salary negotiation: I earn 250k and will ask for 300k #private" });
    brain.entries.capture({ text: "salary review process moved to March", kind: "decision" });
    const filtered = await brain.search("salary", { kind: "decision", mode: "keyword" });
    expect(filtered.results.map((r) => r.snippet)).toEqual(["**salary** review process moved to March"]);
    const both = await brain.search("salary", { mode: "keyword" });
    for (const result of both.results) expect(result.snippet.replaceAll("**", "")).toBe(result.text);
    expect(both.results).toHaveLength(2);
  });

  it("gives coverage 1 to a result that has every word and less to one that has not", async () => {
    const brain = testBrain();
    brain.entries.capture({ text: "the cat sleeps on the sofa" });
    brain.entries.capture({ text: "groceries: milk, eggs and cat food" });
    const { results } = await brain.search("cat sofa", { mode: "keyword" });
    const coverage = withCoverage(brain.db, "cat sofa", results).map((r) => [r.text, r.coverage]);
    expect(coverage).toEqual([
      ["the cat sleeps on the sofa", 1],
      ["groceries: milk, eggs and cat food", 0.5],
    ]);
  });
});

describe("ask: the relevance floor sees each entry's own words", () => {
  let ollama: FakeOllamaServer;
  beforeEach(async () => {
    ollama = await FakeOllamaServer.start({ dimensions: 64 });
  });
  afterEach(async () => {
    await ollama.close();
  });

  it("abstains when the question's words are spread over unrelated entries", async () => {
    const chat = createOllamaChat({ host: ollama.url, model: "qwen3:4b", timeoutMs: 5000 });
    const brain = testBrain({ chat }, { ollamaHost: ollama.url });
    brain.entries.capture({ text: "the cat sleeps on the sofa all afternoon" });
    brain.entries.capture({ text: "groceries for the weekend: milk, eggs, bread" });
    brain.entries.capture({ text: "the dentist moved my appointment to Friday morning" });
    await brain.embed();
    ollama.replyWith("Something made up.");
    const result = await brain.ask("sofa groceries dentist invoice");
    expect(result).toMatchObject({ answer: ABSTAIN_ANSWER, abstained: true, route: "none" });
    expect(ollama.requestsTo("/api/chat")).toHaveLength(0);
  });
});

/** Virtual tables created anywhere in the project's code. */
function virtualTables(files: string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    for (const m of fs
      .readFileSync(file, "utf8")
      .matchAll(/CREATE VIRTUAL TABLE (?:IF NOT EXISTS )?(\w+)/gi)) {
      names.add(m[1]!);
    }
  }
  return [...names];
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => path.join(dir, f));
}

/** A bound parameter compared with rowid or k without a CAST around it. */
const UNCAST_ID = /\b(?:rowid|k)\s*(?:=|==|<>|!=|<=|>=|<|>|\bIN\b)\s*\(?\s*(?:\?\d*|[@:$]\w+)/gi;

describe("the rule holds in the code", () => {
  // This file holds offending statements on purpose, as examples.
  const files = ["src", "bench", "eval", "scripts", "test"]
    .flatMap((d) => sourceFiles(path.join(ROOT, d)))
    .filter((f) => path.basename(f) !== "virtual-table-ids.test.ts");
  const tables = virtualTables(files);

  it("finds the virtual tables", () => {
    expect(tables).toEqual(expect.arrayContaining(["entries_fts", "vec_ref", "plain_bm25"]));
  });

  it("casts every id bound against a virtual table's rowid or k", () => {
    const offences: string[] = [];
    for (const file of files) {
      // String and template literals: where SQL lives.
      for (const [literal] of fs.readFileSync(file, "utf8").matchAll(/`[^`]*`|"(?:[^"\\\n]|\\.)*"/g)) {
        if (!tables.some((t) => literal.includes(t)) && !/\bMATCH\b/.test(literal)) continue;
        for (const m of literal.matchAll(UNCAST_ID)) offences.push(`${path.relative(ROOT, file)}: ${m[0]}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it("would catch the statement that returned every row", () => {
    const bad = "SELECT 1 AS one FROM entries_fts WHERE entries_fts MATCH @match AND rowid = @id";
    expect(bad.match(UNCAST_ID)).toEqual(["rowid = @id"]);
    expect("WHERE embedding MATCH ? AND k = ?".match(UNCAST_ID)).toEqual(["k = ?"]);
    expect("AND entries_fts.rowid = CAST(@id AS INTEGER)".match(UNCAST_ID)).toBeNull();
  });
});
