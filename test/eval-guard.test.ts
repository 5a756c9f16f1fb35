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
  it("keeps hybrid recall@10 within 2 points of the recorded baseline, and above keyword alone", async () => {
    const { rows } = await evaluateCollection(personalNotesCollection(), {
      vectors: loadEvalVectors(),
      modes: ["keyword", "hybrid"],
    });
    const recall = Object.fromEntries(rows.map((r) => [r.mode, r.metrics.recallAt10]));
    expect(recall.hybrid).toBeGreaterThanOrEqual(BASELINE.notes.hybrid!.recallAt10 - 0.02);
    expect(recall.hybrid).toBeGreaterThan(recall.keyword!);
  }, 120_000);
});
