import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateCollection, loadEvalVectors } from "../eval/evaluate.ts";
import { personalNotesCollection } from "../eval/personal-notes.ts";
import { cranfieldCollection, cranfieldDir } from "../eval/cranfield.ts";

// The temporal questions name days and the notes carry UTC times: read both in UTC, as `npm run eval` does.
process.env.TZ = "UTC";

const BASELINE = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, "..", "eval", "baseline.json"), "utf8"),
) as {
  notes: Record<string, { recallAt10: number }>;
  notesHybridByType: Record<string, number>;
  cranfield: Record<string, { ndcgAt10: number }>;
};

describe("retrieval quality on the personal-notes set", () => {
  it("keeps hybrid recall@10 (overall and per question type) within 2 points of the baseline, above keyword, and keyword at least plain BM25", async () => {
    const { rows, details } = await evaluateCollection(personalNotesCollection(), {
      embedder: { kind: "wink", vectors: loadEvalVectors() },
      modes: ["plain BM25", "keyword", "hybrid"],
    });
    const recall = Object.fromEntries(rows.map((r) => [r.mode, r.metrics.recallAt10]));
    const ndcg = Object.fromEntries(rows.map((r) => [r.mode, r.metrics.ndcgAt10]));
    expect(recall.hybrid).toBeGreaterThanOrEqual(BASELINE.notes.hybrid!.recallAt10 - 0.02);
    expect(recall.hybrid).toBeGreaterThan(recall.keyword!);
    // Every type of question keeps its recall, and time named in words stays understood.
    for (const [type, baseline] of Object.entries(BASELINE.notesHybridByType)) {
      const of = details.filter((d) => d.mode === "hybrid" && d.type === type && d.metrics !== null);
      const mean = of.reduce((sum, d) => sum + d.metrics!.recallAt10, 0) / of.length;
      expect(mean, type).toBeGreaterThanOrEqual(baseline - 0.02);
    }
    // Stemming, stopwords and the tag weight must not make keyword search worse than textbook BM25.
    expect(recall.keyword).toBeGreaterThanOrEqual(recall["plain BM25"]!);
    expect(ndcg.keyword).toBeGreaterThanOrEqual(ndcg["plain BM25"]!);
  }, 120_000);
});

describe("retrieval quality on Cranfield (where the collection is, next to the project)", () => {
  it.runIf(fs.existsSync(path.join(cranfieldDir(), "cranqrel")))(
    "keeps keyword and hybrid nDCG@10 within half a point of the baseline, keyword above plain BM25",
    async () => {
      const { rows } = await evaluateCollection(cranfieldCollection(), {
        embedder: { kind: "wink", vectors: loadEvalVectors() },
        modes: ["plain BM25", "keyword", "hybrid"],
      });
      const ndcg = Object.fromEntries(rows.map((r) => [r.mode, r.metrics.ndcgAt10]));
      expect(ndcg.keyword).toBeGreaterThanOrEqual(BASELINE.cranfield.keyword!.ndcgAt10 - 0.005);
      expect(ndcg.hybrid).toBeGreaterThanOrEqual(BASELINE.cranfield.hybrid!.ndcgAt10 - 0.005);
      expect(ndcg.keyword).toBeGreaterThan(ndcg["plain BM25"]!);
    },
    120_000,
  );
});
