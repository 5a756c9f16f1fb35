import { describe, expect, it } from "vitest";
import { createOllamaEmbedder } from "../src/core/adapters/ollama-embedder.ts";
import { buildFtsQuery, ftsWords } from "../src/core/search/fts-query.ts";
import { reciprocalRankFusion } from "../src/core/search/search.ts";
import { rankKeyword, withShares } from "../src/core/search/keyword.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { testBrain } from "./support/tmp.ts";

/** Strings people type (or paste) that break naive FTS5 MATCH queries. */
export const HOSTILE_QUERIES = [
  "",
  " ",
  '"',
  '""',
  '"unterminated',
  "'",
  "AND",
  "OR",
  "NOT",
  "a AND",
  "OR b",
  "NOT NOT",
  "NEAR(a b)",
  "*",
  "**",
  "a*",
  "*a",
  "-",
  "-a",
  "a - b",
  ":",
  "text:pnpm",
  "tags:",
  "^a",
  "(",
  ")",
  "(a OR b",
  "{a b}",
  "[a]",
  "c++",
  "C#",
  "$100",
  "100%",
  "a/b\\c",
  "e-mail",
  "🦄",
  "🦄 unicorn",
  "数据库",
  "データベース 設計",
  "ﬁle",
  "naïve café",
  "\u0000",
  "\uD800",
  "a\u200Bb",
  "'; DROP TABLE entries; --",
  "x".repeat(5000),
  "a ".repeat(500),
  "+",
  "a+b",
  "@maria",
  "#tooling",
  "[[Billing v2]]",
  "http://example.com/?q=a&b=c",
];

describe("keyword search", () => {
  it("finds a capture at once, ranked by BM25, with the matching words highlighted", async () => {
    const brain = testBrain();
    brain.entries.capture({ text: "switched the team to pnpm #tooling" });
    brain.entries.capture({ text: "pnpm pnpm pnpm: lockfile notes, pnpm workspaces" });
    brain.entries.capture({ text: "lunch with maria" });
    const { results } = await brain.search("pnpm", { mode: "keyword" });
    expect(results.map((r) => r.text)).toEqual([
      "pnpm pnpm pnpm: lockfile notes, pnpm workspaces",
      "switched the team to pnpm #tooling",
    ]);
    expect(results[0]!.score).toBeGreaterThan(results[1]!.score);
    expect(results[1]!.snippet).toContain("**pnpm**");
    expect(results.map((r) => r.ranks.keyword)).toEqual([1, 2]);
  });

  it("stems with porter and ignores case and accents", async () => {
    const brain = testBrain();
    brain.entries.capture({ text: "We decided to migrate the Café service" });
    expect((await brain.search("deciding migrations cafe")).results).toHaveLength(1);
  });

  it("matches the last word as a prefix when typing", async () => {
    const brain = testBrain();
    brain.entries.capture({ text: "switched the team to pnpm" });
    expect((await brain.search("team pn", { prefix: true })).results).toHaveLength(1);
    expect((await brain.search("pn")).results).toHaveLength(0);
    expect((await brain.search("pn", { prefix: true })).results).toHaveLength(1);
  });

  it("ranks entries with every word above entries with some", async () => {
    const brain = testBrain();
    brain.entries.capture({ text: "postgres replication lag" });
    brain.entries.capture({ text: "postgres for billing" });
    brain.entries.capture({ text: "billing invoices in stripe" });
    const { results } = await brain.search("postgres billing");
    expect(results[0]!.text).toBe("postgres for billing");
    expect(results).toHaveLength(3);
  });

  it("searches tags and filters by kind, tag and time", async () => {
    const brain = testBrain();
    brain.entries.capture({ text: "use pnpm", tags: ["tooling"], kind: "decision", at: "2026-01-01" });
    brain.entries.capture({ text: "pnpm is fast", at: "2026-02-01" });
    expect((await brain.search("tooling")).results).toHaveLength(1);
    expect((await brain.search("pnpm", { kind: "decision" })).results.map((r) => r.text)).toEqual([
      "use pnpm",
    ]);
    expect((await brain.search("pnpm", { tag: "tooling" })).results.map((r) => r.text)).toEqual(["use pnpm"]);
    expect((await brain.search("pnpm", { since: "2026-01-15" })).results.map((r) => r.text)).toEqual([
      "pnpm is fast",
    ]);
  });

  it("never hands raw text to MATCH", () => {
    expect(buildFtsQuery('c++ "AND" (pnpm', { prefix: true })).toEqual({
      all: '"c" "pnpm"*',
      any: '"c" OR "pnpm"*',
      terms: ["c", "pnpm"],
      forms: ["c", "pnpm"],
    });
    expect(buildFtsQuery("to do")).toMatchObject({ all: '"to" "do"', terms: ["to", "do"] });
    // While typing, a last word of one letter waits for its second (it would expand to every word
    // with that letter first); alone it stays, and a finished query keeps it.
    expect(buildFtsQuery("migrate x", { prefix: true })).toEqual({
      all: '"migrate"',
      any: null,
      terms: ["migrate"],
      forms: ["migrate"],
    });
    expect(buildFtsQuery("migrate xa", { prefix: true })).toMatchObject({ all: '"migrate" "xa"*' });
    expect(buildFtsQuery("x", { prefix: true })).toMatchObject({ all: '"x"*', terms: ["x"] });
    expect(buildFtsQuery("migrate x")).toMatchObject({ all: '"migrate" "x"', terms: ["migrate", "x"] });
    expect(buildFtsQuery("🦄 ()")).toBeNull();
  });

  it("answers every hostile query with results or none, never an error", async () => {
    const brain = testBrain();
    brain.entries.capture({
      text: "c++ templates and $100 budgets, 数据库 design, naïve café #tooling @maria",
    });
    for (const query of HOSTILE_QUERIES) {
      for (const prefix of [false, true]) {
        const response = await brain.search(query, { prefix });
        expect(Array.isArray(response.results)).toBe(true);
      }
    }
    expect((await brain.search("数据库")).results).toHaveLength(1);
    expect((await brain.search("c++")).results).toHaveLength(1);
  });

  it("survives 10,000 random queries of Unicode, operators and quotes", async () => {
    const brain = testBrain();
    for (let i = 0; i < 50; i++)
      brain.entries.capture({ text: `note ${i} about pnpm, postgres and "quotes" (${i})` });
    const random = seeded(42);
    const pieces = [
      '"',
      "'",
      "*",
      "-",
      "+",
      ":",
      "(",
      ")",
      "AND",
      "OR",
      "NOT",
      "NEAR",
      "^",
      "{",
      "}",
      " ",
      "pn",
      "post",
    ];
    let errors = 0;
    for (let i = 0; i < 10_000; i++) {
      let query = "";
      const length = Math.floor(random() * 12);
      for (let j = 0; j < length; j++) {
        query += random() < 0.5 ? pieces[Math.floor(random() * pieces.length)] : randomCodePoint(random);
      }
      try {
        await brain.search(query, { prefix: random() < 0.5, limit: 5 });
      } catch {
        errors++;
      }
    }
    expect(errors).toBe(0);
  });
});

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomCodePoint(random: () => number): string {
  const ranges = [
    [0x20, 0x7e],
    [0xa0, 0x2ff],
    [0x4e00, 0x9fff],
    [0x1f300, 0x1faff],
    [0xd800, 0xdfff],
    [0x0, 0x1f],
  ] as const;
  const [lo, hi] = ranges[Math.floor(random() * ranges.length)]!;
  const cp = lo + Math.floor(random() * (hi - lo + 1));
  return cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
}

describe("reciprocal rank fusion", () => {
  it("sums 1 / (k + rank) over the lists, keeps each list's rank, and puts agreement first", () => {
    const fused = reciprocalRankFusion(
      [
        [7, 3, 9],
        [3, 8],
      ],
      5,
    );
    expect(fused.map((f) => f.id)).toEqual([3, 7, 8, 9]);
    expect(fused[0]).toEqual({ id: 3, score: 1 / 7 + 1 / 6, ranks: [2, 1] });
    expect(fused[1]!.ranks).toEqual([1, undefined]);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });

  it("scales a list's share for the ids given a weight", () => {
    const fused = reciprocalRankFusion(
      [
        [7, 3],
        [3, 7],
      ],
      5,
      [new Map([[3, 0.25]])],
    );
    expect(fused.map((f) => [f.id, f.score])).toEqual([
      [7, 1 / 6 + 1 / 7],
      [3, 0.25 / 7 + 1 / 6],
    ]);
  });

  it("splits words as the FTS5 tokenizer does, never producing MATCH syntax", () => {
    expect(ftsWords('C++ "AND" (pnpm) café')).toEqual(["c", "and", "pnpm", "café"]);
    expect(ftsWords("***")).toEqual([]);
  });
});

describe("hybrid search steers meaning towards its keyword matches", () => {
  // Unit-length directions (padded to 1024 by the fake server): the question is nearest the
  // stroll, the pour-over lies between the question and the one note that shares its word.
  const VECTORS: Record<string, number[]> = {
    "coffee habits": [1, 0.35],
    "coffee: black, no sugar": [0, 1],
    "pour-over with a light roast": [0.6, 0.8],
    "evening stroll by the canal": [1, 0],
  };

  async function brainWithCoffee(ollama: FakeOllamaServer) {
    for (const [text, vector] of Object.entries(VECTORS)) ollama.setVector(text, vector);
    const brain = testBrain(
      { embedderFor: (model) => createOllamaEmbedder({ host: ollama.url, model, dimensions: 1024 }) },
      { ollamaHost: ollama.url },
    );
    const id = (text: string) => brain.entries.capture({ text }).entry.id;
    const ids = {
      black: id("coffee: black, no sugar"),
      pourOver: id("pour-over with a light roast"),
      stroll: id("evening stroll by the canal"),
    };
    await brain.embed();
    return { brain, ids };
  }

  it("ranks the note that says the same as the keyword match above the question's nearest alone, and reports the similarity to the question as asked", async () => {
    const ollama = await FakeOllamaServer.start();
    try {
      const { brain, ids } = await brainWithCoffee(ollama);
      const semantic = await brain.search("coffee habits", { mode: "semantic" });
      expect(semantic.results.map((r) => r.id)).toEqual([ids.stroll, ids.pourOver, ids.black]);
      const hybrid = await brain.search("coffee habits", { mode: "hybrid" });
      const byId = new Map(hybrid.results.map((r) => [r.id, r]));
      expect(byId.get(ids.black)!.ranks).toEqual({ keyword: 1, semantic: 3 });
      expect(byId.get(ids.pourOver)!.ranks).toEqual({ semantic: 1 });
      expect(byId.get(ids.stroll)!.ranks).toEqual({ semantic: 2 });
      // cos(question, pour-over) = 0.88 / 1.0595 = 0.831; against the steered query it would be 0.94.
      expect(byId.get(ids.pourOver)!.similarity).toBeCloseTo(0.831, 1);
    } finally {
      await ollama.close();
    }
  });
});

describe("hybrid search weighs a keyword match by the share of a short question's words it has", () => {
  // The question is nearest the nap; "cat food" has one of its two words and is far in meaning.
  const VECTORS: Record<string, number[]> = {
    "cat sofa": [1, 0, 0],
    "the cat sleeps on the sofa": [0.8, 0, 0.6],
    "cat food for the week": [0, 0, 1],
    "a long nap on the couch": [1, 0.1, 0],
  };

  it("ranks a meaning-only match above a match of half the words, and counts each match's words", async () => {
    const ollama = await FakeOllamaServer.start();
    try {
      for (const [text, vector] of Object.entries(VECTORS)) ollama.setVector(text, vector);
      const brain = testBrain(
        { embedderFor: (model) => createOllamaEmbedder({ host: ollama.url, model, dimensions: 1024 }) },
        { ollamaHost: ollama.url },
      );
      const [both, half, nap] = [
        "the cat sleeps on the sofa",
        "cat food for the week",
        "a long nap on the couch",
      ].map((text) => brain.entries.capture({ text }).entry.id);
      await brain.embed();
      const ranks = rankKeyword(brain.db, "cat sofa", { limit: 50 });
      expect(withShares(brain.db, "cat sofa", ranks).map((r) => [r.id, r.share])).toEqual([
        [both, 1],
        [half, 0.25],
      ]);
      // Three words: the partial matches' words are counted in the index.
      const three = rankKeyword(brain.db, "cat sofa sleeps", { limit: 50 });
      expect(withShares(brain.db, "cat sofa sleeps", three).map((r) => [r.id, r.share])).toEqual([
        [both, 1],
        [half, 1 / 9],
      ]);
      // A one-word question cannot match in part: its ranks come back as they are.
      expect(withShares(brain.db, "cat", ranks)).toBe(ranks);
      // Counted in full, "cat food" (keyword 2nd, meaning 3rd) would beat the nap (meaning 1st only).
      const { results } = await brain.search("cat sofa", { mode: "hybrid", limit: 3 });
      expect(results.map((r) => [r.id, r.ranks])).toEqual([
        [both, { keyword: 1, semantic: 2 }],
        [nap, { semantic: 1 }],
        [half, { keyword: 2, semantic: 3 }],
      ]);
    } finally {
      await ollama.close();
    }
  });
});
