import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBrain, type Brain } from "../src/core/brain.ts";
import type { BrainConfig } from "../src/core/base/config.ts";
import { listLedger, type LedgerRecord } from "../src/core/privacy/egress-ledger.ts";
import forget, { confirmation as confirmForget } from "../src/tools/forget.ts";
import getMemory from "../src/tools/get-memory.ts";
import recentMemories from "../src/tools/recent-memories.ts";
import relatedMemories from "../src/tools/related-memories.ts";
import remember, { confirmation as confirmRemember } from "../src/tools/remember.ts";
import searchMemory from "../src/tools/search-memory.ts";
import { ROOT, runBrain } from "./support/cli.ts";
import { raycast, resetRaycast } from "./support/raycast-api/state.ts";
import { testConfig } from "./support/tmp.ts";

// The Raycast AI tools against a real database with a #private memory: what Raycast AI (a cloud
// assistant) would read, and the ledger row each call leaves.

const SECRET = "SALARY-BAND-7731";

let config: BrainConfig;
let seed: Brain;
let publicId: number;
let privateId: number;

beforeEach(() => {
  resetRaycast();
  config = testConfig();
  raycast.preferences = { dbPath: config.dbPath, ollamaHost: config.ollamaHost };
  seed = createBrain(config);
  publicId = seed.entries.capture({ text: "Billing moved to Stripe in March #billing", kind: "decision" })
    .entry.id;
  privateId = seed.entries.capture({ text: `Billing team salary bands ${SECRET} #billing #private` }).entry
    .id;
});

afterEach(() => seed.close());

/** The Raycast AI rows, oldest first. */
function rows(): LedgerRecord[] {
  return listLedger(seed.db, { road: "raycast-ai" }).reverse();
}

/** The one row a call left, checked against what the call returned. */
function onlyRow(output: string): LedgerRecord {
  const all = rows();
  expect(all).toHaveLength(1);
  const row = all[0]!;
  expect(row).toMatchObject({
    road: "raycast-ai",
    class: "assistant",
    destination: "Raycast AI",
    outcome: "sent",
  });
  expect(row.bytes).toBe(Buffer.byteLength(output, "utf8"));
  return row;
}

describe("Raycast AI tools through the privacy gate", () => {
  it("search-memory returns the public match, counts the private one and records the call", async () => {
    const output = await searchMemory({ query: "billing" });
    expect(output).toContain(`[${publicId}] (decision,`);
    expect(output).toContain("Billing moved to Stripe in March");
    expect(output).not.toContain(SECRET);
    expect(output).toContain("Note: 1 private memory withheld.");
    const row = onlyRow(output);
    expect(row).toMatchObject({ entry_ids: [publicId], withheld: 1 });
    expect(row.subject).toBe('search-memory {"query":"billing"}');
  });

  it("get-memory gives a public memory whole and a private one as its id only", async () => {
    const open = await getMemory({ id: publicId });
    expect(open).toContain("source: unknown");
    expect(open).toContain("Billing moved to Stripe in March #billing");
    const closed = await getMemory({ id: privateId });
    expect(closed).toBe(
      `[${privateId}] is a private memory: its text is withheld.\nNote: 1 private memory withheld.`,
    );
    const [first, second] = rows();
    expect(first).toMatchObject({ entry_ids: [publicId], withheld: 0, bytes: Buffer.byteLength(open) });
    expect(second).toMatchObject({ entry_ids: [], withheld: 1, bytes: Buffer.byteLength(closed) });
  });

  it("recent-memories lists the newest public memories", async () => {
    const output = await recentMemories({ limit: 5 });
    expect(output.split("\n")).toEqual([
      expect.stringContaining(`[${publicId}] (decision,`),
      "Note: 1 private memory withheld.",
    ]);
    expect(onlyRow(output)).toMatchObject({ entry_ids: [publicId], withheld: 1 });
  });

  it("recent-memories takes no input at all", async () => {
    expect(await recentMemories()).toContain(`[${publicId}] (decision,`);
  });

  it("related-memories shows what may go around a tag and withholds a private start", async () => {
    const around = await relatedMemories({ target: "#billing" });
    expect(around).toContain(`[${publicId}]`);
    expect(around).not.toContain(SECRET);
    expect(around).toContain("Note: 1 private memory withheld.");
    const start = await relatedMemories({ target: String(privateId) });
    expect(start).toBe(
      `[${privateId}] is a private memory: it and its links are withheld.\nNote: 1 private memory withheld.`,
    );
    const [first, second] = rows();
    expect(first).toMatchObject({ entry_ids: [publicId], withheld: 1, bytes: Buffer.byteLength(around) });
    expect(second).toMatchObject({ entry_ids: [], withheld: 1 });
  });

  it("remember asks first, then saves with Raycast AI as the source", async () => {
    const asked = await confirmRemember({ text: "We ship on Fridays", kind: "decision", tags: ["release"] });
    expect(asked).toEqual({
      style: "regular",
      message: "Save this memory to Local Brain?",
      info: [
        { name: "Text", value: "We ship on Fridays" },
        { name: "Kind", value: "decision" },
        { name: "Key", value: undefined },
        { name: "Tags", value: "#release" },
      ],
    });
    const output = await remember({ text: "We ship on Fridays", kind: "decision", tags: ["release"] });
    const saved = seed.entries.list({ tag: "release" });
    expect(saved.map((e) => [e.text, e.kind, e.source])).toEqual([
      ["We ship on Fridays", "decision", "raycast-ai"],
    ]);
    expect(output).toMatch(
      new RegExp(
        `^Saved \\[${saved[0]!.id}\\] \\(decision, \\d{4}-\\d\\d-\\d\\d, #release\\) We ship on Fridays$`,
      ),
    );
    expect(onlyRow(output)).toMatchObject({ entry_ids: [saved[0]!.id], withheld: 0 });
  });

  it("remember of a #private text saves it but does not echo it back", async () => {
    const output = await remember({ text: `Door code ${SECRET} #private` });
    const saved = seed.entries.list({ tag: "private" }).find((e) => e.text.startsWith("Door code"))!;
    expect(output).toBe(
      `Saved [${saved.id}] (private memory: text withheld)\nNote: 1 private memory withheld.`,
    );
    expect(onlyRow(output)).toMatchObject({ entry_ids: [], withheld: 1 });
  });

  it("remember of a text only a private memory holds saves it as its own, as any new text", async () => {
    const hidden = seed.entries.capture({ text: "Door code 4711", tags: ["private"] }).entry.id;
    const output = await remember({ text: "Door code 4711" });
    const saved = seed.entries.list({ limit: 1 })[0]!;
    expect(saved.id).toBeGreaterThan(hidden);
    expect(output).toBe(`Saved [${saved.id}] (note, ${saved.created_at.slice(0, 10)}) Door code 4711`);
    expect(seed.entries.get(hidden).tags).toEqual(["private"]);
    expect(onlyRow(output)).toMatchObject({ entry_ids: [saved.id], withheld: 0 });
  });

  it("forget asks with a destructive confirmation naming the memory, then deletes it", async () => {
    const asked = await confirmForget({ id: publicId });
    expect(asked?.style).toBe("destructive");
    expect(asked?.message).toBe(`Delete memory ${publicId} for good?`);
    expect(asked?.info?.[0]?.value).toMatch(
      /^\[\d+\] \(decision, .*\) Billing moved to Stripe in March #billing$/,
    );
    const output = await forget({ id: publicId });
    expect(output).toContain(`Forgot [${publicId}] (decision,`);
    expect(seed.entries.find(publicId)).toBeNull();
    expect(onlyRow(output)).toMatchObject({ entry_ids: [publicId], withheld: 0 });
  });

  it("forget of a private memory confirms without its text and answers without it", async () => {
    const asked = await confirmForget({ id: privateId });
    expect(asked?.info?.[0]?.value).toMatch(
      new RegExp(`^\\[${privateId}\\] \\(note, .*#private\\) \\(private: text not shown\\)$`),
    );
    const output = await forget({ id: privateId });
    expect(output).toBe(
      `Forgot [${privateId}] (private memory: text withheld)\nNote: 1 private memory withheld.`,
    );
    expect(seed.entries.find(privateId)).toBeNull();
  });

  it("forget of an unknown id asks nothing, deletes nothing and says how to find ids", async () => {
    expect(await confirmForget({ id: 999 })).toBeUndefined();
    const message = "There is no entry with id 999. Find ids with the search-memory or recent-memories tool.";
    await expect(forget({ id: 999 })).rejects.toThrow(message);
    expect(seed.entries.list().map((e) => e.id)).toEqual([privateId, publicId]);
    expect(rows()).toEqual([
      expect.objectContaining({
        subject: 'forget {"id":999}',
        entry_ids: [],
        bytes: Buffer.byteLength(message),
      }),
    ]);
  });
});

describe("brain ledger", () => {
  it("lists the Raycast AI calls under their road, with their totals", async () => {
    const output = await searchMemory({ query: "billing" });
    await getMemory({ id: privateId });
    seed.close();
    const run = await runBrain(["ledger", "--road", "raycast-ai", "--json"], { db: config.dbPath });
    const out = JSON.parse(run.stdout) as {
      calls: { subject: string; destination: string }[];
      totals: unknown[];
    };
    expect(out.calls.map((c) => [c.destination, c.subject])).toEqual([
      ["Raycast AI", `get-memory {"id":${privateId}}`],
      ["Raycast AI", 'search-memory {"query":"billing"}'],
    ]);
    const bytes =
      Buffer.byteLength(output) +
      Buffer.byteLength(
        `[${privateId}] is a private memory: its text is withheld.\nNote: 1 private memory withheld.`,
      );
    expect(out.totals).toEqual([{ road: "raycast-ai", calls: 2, bytes, entries: 1, withheld: 2 }]);
    seed = createBrain(config);
  });
});

describe("the AI tools in the manifest", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    tools: { name: string; title: string; description: string }[];
    ai: { instructions: string };
  };

  it("lists each tool with a file in src/tools, and only the changing ones have confirmations", async () => {
    expect(manifest.tools.map((t) => t.name)).toEqual([
      "search-memory",
      "get-memory",
      "recent-memories",
      "related-memories",
      "remember",
      "forget",
    ]);
    const confirmed: string[] = [];
    for (const tool of manifest.tools) {
      const module = (await import(path.join(ROOT, "src", "tools", `${tool.name}.ts`))) as Record<
        string,
        unknown
      >;
      expect(typeof module.default, tool.name).toBe("function");
      if (typeof module.confirmation === "function") confirmed.push(tool.name);
      expect(tool.description.length, tool.name).toBeGreaterThan(40);
    }
    expect(confirmed).toEqual(["remember", "forget"]);
    expect(manifest.ai.instructions).toContain("#private");
  });
});
