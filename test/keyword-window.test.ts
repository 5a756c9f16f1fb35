import { describe, expect, it } from "vitest";
import { BM25_WINDOW, keywordSearch } from "../src/core/search/keyword.ts";
import { testBrain } from "./support/tmp.ts";

/** The BM25 ranking FTS5 gives for `word` over the entries with id >= `floor`, best first (newest first among equals). */
function bm25Ranking(
  db: ReturnType<typeof testBrain>["db"],
  word: string,
  floor: number,
  limit: number,
): number[] {
  return db
    .prepare(
      `SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? AND rowid >= CAST(? AS INTEGER)
       ORDER BY bm25(entries_fts, 1.0, 1.5), rowid DESC LIMIT ?`,
    )
    .pluck()
    .all(`"${word}"`, floor, limit) as number[];
}

describe("keyword search over a very common word", () => {
  it("scores the newest matches only, unless a filter narrows them; a rarer word is scored everywhere", () => {
    const brain = testBrain();
    const total = BM25_WINDOW + 1500;
    // Shorter texts score higher under BM25: the oldest entries are the best matches.
    brain.entries.captureMany(
      Array.from({ length: total }, (_, i) => ({
        text: `common ${i < 20 ? "" : "filler ".repeat(1 + (i % 7))}${i % 500 === 1 ? "rare" : ""} entry ${i}`,
        ...(i % 2 === 0 ? { kind: "fact" as const } : {}),
      })),
    );
    const ids = (word: string, kind?: "fact") =>
      keywordSearch(brain.db, word, { limit: 10, ...(kind ? { kind } : {}) }).map((h) => h.entry.id);
    const floor = total - BM25_WINDOW + 1;
    const common = ids("common");
    expect(common).toEqual(bm25Ranking(brain.db, "common", floor, 10));
    expect(common.every((id) => id >= floor)).toBe(true);
    // The whole collection: the 20 short oldest entries win.
    expect(bm25Ranking(brain.db, "common", 0, 10).every((id) => id <= 20)).toBe(true);
    // With a filter every match is scored: the oldest short facts come first.
    expect(ids("common", "fact").every((id) => id <= 20)).toBe(true);
    // A word in fewer entries than the window is scored in every one of them.
    expect(ids("rare")).toEqual(bm25Ranking(brain.db, "rare", 0, 10));
    expect(ids("rare")).toContain(2);
  });

  it("ranks the any-word fallback as FTS5 ranks the OR query, with the same scores, below the window", () => {
    const brain = testBrain();
    const texts = [
      "alpha beta gamma",
      "alpha alpha delta",
      "beta in a much longer entry about other things entirely",
      "gamma gamma gamma beta",
      "alpha",
      "delta epsilon",
      "beta beta",
    ];
    brain.entries.captureMany(texts.map((text) => ({ text })));
    const orRanking = brain.db
      .prepare(
        `SELECT rowid AS id, -bm25(entries_fts, 1.0, 1.5) AS score FROM entries_fts
         WHERE entries_fts MATCH '"alpha" OR "beta" OR "gamma" OR "zeta"' ORDER BY bm25(entries_fts, 1.0, 1.5)`,
      )
      .all() as { id: number; score: number }[];
    // No entry has all four words: everything comes from the fallback.
    const hits = keywordSearch(brain.db, "alpha beta gamma zeta", { limit: 10 });
    expect(hits.map((h) => h.entry.id)).toEqual(orRanking.map((r) => r.id));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(orRanking[i]!.score, 10));
    // Two words no entry has together: each word's own query, merged by score.
    const pair = brain.db
      .prepare(
        `SELECT rowid AS id, -bm25(entries_fts, 1.0, 1.5) AS score FROM entries_fts
         WHERE entries_fts MATCH '"delta" OR "gamma"' ORDER BY bm25(entries_fts, 1.0, 1.5), rowid DESC`,
      )
      .all() as { id: number; score: number }[];
    const twoWords = keywordSearch(brain.db, "delta gamma", { limit: 10 });
    expect(twoWords.map((h) => h.entry.id)).toEqual(pair.map((r) => r.id));
    twoWords.forEach((h, i) => expect(h.score).toBeCloseTo(pair[i]!.score, 10));
  });

  it("the any-word fallback scores every match of a rare word and the newest of a common one", () => {
    const brain = testBrain();
    const zebra = brain.entries.capture({ text: "zebra crossing outside the school" }).entry.id;
    brain.entries.captureMany(
      Array.from({ length: BM25_WINDOW + 500 }, (_, i) => ({ text: `common filler entry ${i}` })),
    );
    const both = brain.entries.capture({ text: "a common zebra" }).entry.id;
    // The entry with both words comes first (all words match); then the fallback ranks either
    // word, the rare word's entry first, and never lists the first entry again.
    const ids = keywordSearch(brain.db, "zebra common", { limit: 10 }).map((h) => h.entry.id);
    expect(ids.slice(0, 2)).toEqual([both, zebra]);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    // The common word's matches come from its newest BM25_WINDOW only (they all score alike).
    const floor = both - BM25_WINDOW + 1;
    expect(ids.slice(2).every((id) => id >= floor && id < both)).toBe(true);
    // A word that matches nothing (a number, say) leaves the common word's own windowed ranking.
    const alone = keywordSearch(brain.db, "common 4242424", { limit: 10 });
    const windowed = brain.db
      .prepare(
        `SELECT rowid FROM entries_fts WHERE entries_fts MATCH '"common"' AND rowid >= CAST(? AS INTEGER)
         ORDER BY bm25(entries_fts, 1.0, 1.5), rowid DESC LIMIT 10`,
      )
      .pluck()
      .all(floor);
    expect(alone.map((h) => h.entry.id)).toEqual(windowed);
    expect(alone.map((h) => h.snippet)[0]).toMatch(/\*\*common\*\*/);
  });
});
