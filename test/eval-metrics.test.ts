import { describe, expect, it } from "vitest";
import { evaluateRanking, meanMetrics, ndcgAt, recallAt, reciprocalRank } from "../eval/metrics.ts";

const rel = (pairs: [string, number][]) => new Map(pairs);

describe("recallAt", () => {
  it("counts relevant refs within the cutoff over all relevant refs", () => {
    const relevant = rel([
      ["a", 1],
      ["b", 1],
      ["c", 1],
      ["d", 1],
    ]);
    const ranked = ["x", "a", "y", "b", "z", "c"];
    expect(recallAt(ranked, relevant, 5)).toBe(0.5);
    expect(recallAt(ranked, relevant, 10)).toBe(0.75);
    expect(recallAt(ranked, relevant, 1)).toBe(0);
  });

  it("ignores refs graded 0 and is null when nothing is relevant", () => {
    expect(
      recallAt(
        ["a", "b"],
        rel([
          ["a", 0],
          ["b", 2],
        ]),
        5,
      ),
    ).toBe(1);
    expect(recallAt(["a"], new Map(), 5)).toBeNull();
  });
});

describe("reciprocalRank", () => {
  it("is 1 / rank of the first relevant result", () => {
    expect(
      reciprocalRank(
        ["x", "y", "a", "b"],
        rel([
          ["a", 1],
          ["b", 4],
        ]),
      ),
    ).toBeCloseTo(1 / 3);
    expect(reciprocalRank(["a"], rel([["a", 1]]))).toBe(1);
  });

  it("is 0 when no relevant result is returned (or none within k)", () => {
    expect(reciprocalRank(["x", "y"], rel([["a", 1]]))).toBe(0);
    expect(reciprocalRank(["x", "y", "a"], rel([["a", 1]]), 2)).toBe(0);
    expect(reciprocalRank(["x"], new Map())).toBeNull();
  });
});

describe("ndcgAt", () => {
  it("matches a hand-computed graded case", () => {
    // relevant a:3, b:2, c:1. Ranking: b, x, a.
    // DCG = 2/log2(2) + 0 + 3/log2(4) = 2 + 1.5 = 3.5
    // IDCG = 3/1 + 2/log2(3) + 1/2 = 3 + 1.26186 + 0.5 = 4.76186
    const value = ndcgAt(
      ["b", "x", "a"],
      rel([
        ["a", 3],
        ["b", 2],
        ["c", 1],
      ]),
      10,
    );
    expect(value).toBeCloseTo(3.5 / (3 + 2 / Math.log2(3) + 0.5), 10);
    expect(value).toBeCloseTo(0.735006, 5);
  });

  it("is 1 for the ideal order and truncates both lists at k", () => {
    const relevant = rel([
      ["a", 3],
      ["b", 2],
      ["c", 1],
    ]);
    expect(ndcgAt(["a", "b", "c"], relevant, 10)).toBeCloseTo(1, 10);
    // k = 1: DCG = gain of b = 2; IDCG = 3.
    expect(ndcgAt(["b", "a"], relevant, 1)).toBeCloseTo(2 / 3, 10);
    expect(ndcgAt(["x"], relevant, 10)).toBe(0);
    expect(ndcgAt(["x"], new Map(), 10)).toBeNull();
  });
});

describe("evaluateRanking and meanMetrics", () => {
  it("averages over answerable questions only", () => {
    const q1 = evaluateRanking(["a", "x"], rel([["a", 1]])); // all 1
    const q2 = evaluateRanking(
      ["x", "a"],
      rel([
        ["a", 1],
        ["b", 1],
      ]),
    ); // r@5 .5, mrr .5
    const none = evaluateRanking(["x"], new Map());
    expect(none).toBeNull();
    expect(q2).toEqual({ recallAt5: 0.5, recallAt10: 0.5, mrr: 0.5, ndcgAt10: expect.any(Number) });
    // q2 nDCG: DCG = 1/log2(3) = 0.63093; IDCG = 1 + 0.63093 = 1.63093
    expect(q2?.ndcgAt10).toBeCloseTo(0.63093 / 1.63093, 5);
    const mean = meanMetrics([q1, q2, none]);
    expect(mean.n).toBe(2);
    expect(mean.recallAt5).toBe(0.75);
    expect(mean.mrr).toBe(0.75);
    expect(mean.ndcgAt10).toBeCloseTo((1 + 0.63093 / 1.63093) / 2, 5);
  });

  it("gives zeros over an empty list", () => {
    expect(meanMetrics([])).toEqual({ recallAt5: 0, recallAt10: 0, mrr: 0, ndcgAt10: 0, n: 0 });
  });
});
