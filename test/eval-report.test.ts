import { describe, expect, it } from "vitest";
import { detailJson, formatTable, proposeAbstentionFloor, reachedByMode, type QueryDetail } from "../eval/report.ts";

describe("formatTable", () => {
  it("prints one Markdown row per collection and mode", () => {
    const table = formatTable([
      {
        collection: "cranfield",
        mode: "keyword",
        metrics: { recallAt5: 0.4, recallAt10: 0.5, mrr: 0.71234, ndcgAt10: 0.4, n: 225 },
      },
      {
        collection: "notes",
        mode: "hybrid+graph",
        metrics: { recallAt5: 1, recallAt10: 1, mrr: 1, ndcgAt10: 1, n: 64 },
      },
    ]);
    expect(table.split("\n")).toEqual([
      "| collection | mode | recall@5 | recall@10 | MRR | nDCG@10 | queries |",
      "|---|---|---:|---:|---:|---:|---:|",
      "| cranfield | keyword | 0.400 | 0.500 | 0.712 | 0.400 | 225 |",
      "| notes | hybrid+graph | 1.000 | 1.000 | 1.000 | 1.000 | 64 |",
      "",
    ]);
  });

  it("serialises per-query detail as parseable JSON", () => {
    const json = detailJson({
      embedder: "wink",
      details: [
        {
          collection: "notes",
          mode: "keyword",
          queryId: "q1",
          text: "t",
          ranked: ["n1"],
          relevant: { n1: 1 },
          metrics: null,
          topScore: null,
        },
      ],
    });
    expect(JSON.parse(json)).toMatchObject({
      embedder: "wink",
      details: [{ queryId: "q1", relevant: { n1: 1 } }],
    });
  });
});

describe("proposeAbstentionFloor", () => {
  it("puts the floor halfway into the gap that separates the two groups", () => {
    expect(proposeAbstentionFloor([0.9, 0.8], [0.3, 0.5])).toEqual({
      floor: 0.65,
      accuracy: 1,
      answerableKept: 2,
      answerableTotal: 2,
      unanswerableRejected: 2,
      unanswerableTotal: 2,
    });
  });

  it("maximises accuracy when the groups overlap", () => {
    // answerable 0.9 0.7 0.4, unanswerable 0.6 0.2.
    // cut 0.7 (floor 0.65): right = 0.9, 0.7, 0.2 rejected, 0.6 rejected -> 4/5; cut 0.4: 0.6 answered -> 4/5;
    // both 4/5: the wider gap below the cut wins (0.7 -> 0.6 is 0.1, 0.4 -> 0.2 is 0.2): floor 0.3.
    const result = proposeAbstentionFloor([0.9, 0.7, 0.4], [0.6, 0.2]);
    expect(result?.accuracy).toBeCloseTo(0.8);
    expect(result?.floor).toBeCloseTo(0.3);
    expect(result?.answerableKept).toBe(3);
    expect(result?.unanswerableRejected).toBe(1);
  });

  it("abstains always when no floor beats it, and treats an empty result as abstaining", () => {
    const always = proposeAbstentionFloor([0.1], [0.5, 0.6, null]);
    expect(always?.floor).toBeGreaterThan(0.6);
    expect(always?.accuracy).toBeCloseTo(3 / 4);
    const none = proposeAbstentionFloor([0.8, null], [null]);
    expect(none?.floor).toBe(0.8);
    expect(none?.accuracy).toBeCloseTo(2 / 3);
    expect(proposeAbstentionFloor([null], [])).toBeNull();
  });
});

describe("reachedByMode", () => {
  it("counts, per mode, questions of the type whose answer is anywhere in the returned list", () => {
    const detail = (mode: QueryDetail["mode"], ranked: string[], type: QueryDetail["type"] = "graph") => ({
      collection: "notes",
      mode,
      queryId: "q",
      text: "q",
      type,
      ranked,
      relevant: { a: 1 },
      metrics: null,
      topScore: null,
    });
    const tally = reachedByMode(
      [
        detail("hybrid", ["x", "y"]),
        detail("hybrid+graph", ["x", "y", "a"]),
        detail("hybrid+graph", ["x"]),
        detail("hybrid", ["a"], "keyword"),
      ],
      "notes",
      "graph",
    );
    expect(tally).toEqual([
      { mode: "hybrid", reached: 0, total: 1 },
      { mode: "hybrid+graph", reached: 1, total: 2 },
    ]);
  });
});

