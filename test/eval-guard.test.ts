import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateCollection, loadEvalVectors } from "../eval/evaluate.ts";
import { personalNotesCollection } from "../eval/personal-notes.ts";

const BASELINE = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, "..", "eval", "baseline.json"), "utf8"),
) as {
  notes: Record<string, { recallAt10: number }>;
};

describe("retrieval quality on the personal-notes set", () => {
  it("keeps hybrid recall@10 within 2 points of the baseline, above keyword, and keyword at least plain BM25", async () => {
    const { rows } = await evaluateCollection(personalNotesCollection(), {
      embedder: { kind: "wink", vectors: loadEvalVectors() },
      modes: ["plain BM25", "keyword", "hybrid"],
    });
    const recall = Object.fromEntries(rows.map((r) => [r.mode, r.metrics.recallAt10]));
    const ndcg = Object.fromEntries(rows.map((r) => [r.mode, r.metrics.ndcgAt10]));
    expect(recall.hybrid).toBeGreaterThanOrEqual(BASELINE.notes.hybrid!.recallAt10 - 0.02);
    expect(recall.hybrid).toBeGreaterThan(recall.keyword!);
    // Stemming, stopwords and the tag weight must not make keyword search worse than textbook BM25.
    expect(recall.keyword).toBeGreaterThanOrEqual(recall["plain BM25"]!);
    expect(ndcg.keyword).toBeGreaterThanOrEqual(ndcg["plain BM25"]!);
  }, 120_000);
});
