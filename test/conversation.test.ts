import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Brain } from "../src/core/brain.ts";
import { conversationOf } from "../src/core/graph/conversation.ts";
import { tempDir, testBrain } from "./support/tmp.ts";

/** The conversation's `next` edges as [from, to] pairs. */
function nextEdges(brain: Brain): [number, number][] {
  return brain.db
    .prepare<[], { from_entry: number; to_entry: number }>(
      "SELECT from_entry, to_entry FROM edges WHERE type = 'next' ORDER BY from_entry",
    )
    .all()
    .map((r) => [r.from_entry, r.to_entry]);
}

describe("conversations", () => {
  it("knows a conversation by its source's #n ending, and nothing else", () => {
    expect(conversationOf("file:/notes/a.md#2")).toBe("file:/notes/a.md");
    expect(conversationOf("chat:2026-03-01#14")).toBe("chat:2026-03-01");
    expect(conversationOf("raycast")).toBeNull();
    expect(conversationOf(null)).toBeNull();
  });

  it("links the turns of an imported chat in order, and keeps the chain when one goes or arrives late", async () => {
    const brain = testBrain();
    const file = path.join(tempDir(), "chat.jsonl");
    const turn = (n: number, text: string) =>
      JSON.stringify({ text, source: `chat:2026-03-01#${n}`, created_at: `2026-03-01T10:0${n}:00Z` });
    fs.writeFileSync(
      file,
      [turn(1, "which database for billing?"), turn(3, "postgres it is"), turn(4, "ok")].join("\n"),
    );
    await brain.import([file]);
    const [one, three, four] = brain.entries
      .list({ limit: 10 })
      .reverse()
      .map((e) => e.id);
    expect(nextEdges(brain)).toEqual([
      [one, three],
      [three, four],
    ]);
    const two = brain.entries.capture({
      text: "postgres, because of the ledger",
      source: "chat:2026-03-01#2",
      at: "2026-03-01T10:02:00Z",
    }).entry.id;
    expect(nextEdges(brain)).toEqual([
      [one, two],
      [three, four],
      [two, three],
    ]);
    brain.entries.delete(three!);
    expect(nextEdges(brain)).toEqual([
      [one, two],
      [two, four],
    ]);
    brain.entries.capture({ text: "unrelated", source: "raycast" });
    expect(nextEdges(brain)).toHaveLength(2);
  });

  it("brings the turn before or after a hit with --graph only when it shares a word with the question", async () => {
    const brain = testBrain();
    const at = (m: number) => `2026-03-01T10:0${m}:00Z`;
    const q = brain.entries.capture({ text: "which database for billing?", source: "chat:a#1", at: at(1) })
      .entry.id;
    const a = brain.entries.capture({
      text: "postgres for the billing ledger",
      source: "chat:a#2",
      at: at(2),
    }).entry.id;
    brain.entries.capture({ text: "thanks, noted", source: "chat:a#3", at: at(3) });
    const alone = await brain.search("which database", { mode: "keyword", graph: true, limit: 1 });
    expect(alone.results.map((r) => r.id)).toEqual([q]);
    const withTurn = await brain.search("database billing", { mode: "keyword", graph: true, limit: 1 });
    expect(withTurn.results.map((r) => [r.id, r.graph?.reason ?? "direct"])).toEqual([
      [q, "direct"],
      [a, "next in the same conversation"],
    ]);
  });
});
