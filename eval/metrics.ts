/**
 * Ranking metrics, pure. `ranked` is the refs a search returned, best first, without repeats;
 * `relevant` maps each relevant ref to its gain (> 0; refs with gain <= 0 count as not relevant).
 * A question with no relevant refs (a "none" question) has no recall, MRR or nDCG: the functions
 * return null for it, and averages leave it out (it is scored by the abstention floor instead).
 */

export interface QueryMetrics {
  recallAt5: number;
  recallAt10: number;
  mrr: number;
  ndcgAt10: number;
}

export interface MeanMetrics extends QueryMetrics {
  /** How many questions the means are over (questions with at least one relevant ref). */
  n: number;
}

function relevantCount(relevant: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const gain of relevant.values()) if (gain > 0) n++;
  return n;
}

/**
 * The share of the relevant refs found in the first `k` results.
 *
 * @example
 * recallAt(["a", "x", "b"], new Map([["a", 1], ["b", 1], ["c", 1]]), 2) // 1/3
 */
export function recallAt(
  ranked: readonly string[],
  relevant: ReadonlyMap<string, number>,
  k: number,
): number | null {
  const total = relevantCount(relevant);
  if (total === 0) return null;
  const found = ranked.slice(0, k).filter((ref) => (relevant.get(ref) ?? 0) > 0).length;
  return found / total;
}

/**
 * 1 / the rank of the first relevant result, 0 when none is returned (within `k`, if given).
 *
 * @example
 * reciprocalRank(["x", "a"], new Map([["a", 2]])) // 0.5
 */
export function reciprocalRank(
  ranked: readonly string[],
  relevant: ReadonlyMap<string, number>,
  k = Infinity,
): number | null {
  if (relevantCount(relevant) === 0) return null;
  const index = ranked.slice(0, k).findIndex((ref) => (relevant.get(ref) ?? 0) > 0);
  return index < 0 ? 0 : 1 / (index + 1);
}

function dcg(gains: readonly number[]): number {
  return gains.reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
}

/**
 * Normalised discounted cumulative gain at `k`, with linear gains: sum of gain / log2(rank + 1)
 * over the first `k` results, divided by the same sum for the ideal order of all relevant refs.
 *
 * @example
 * ndcgAt(["b", "a"], new Map([["a", 2], ["b", 1]]), 10) // (1 + 2/log2(3)) / (2 + 1/log2(3)) ≈ 0.866
 */
export function ndcgAt(
  ranked: readonly string[],
  relevant: ReadonlyMap<string, number>,
  k: number,
): number | null {
  const ideal = [...relevant.values()]
    .filter((g) => g > 0)
    .sort((a, b) => b - a)
    .slice(0, k);
  if (ideal.length === 0) return null;
  const gains = ranked.slice(0, k).map((ref) => Math.max(0, relevant.get(ref) ?? 0));
  return dcg(gains) / dcg(ideal);
}

/**
 * All four metrics for one question, or null when the question has nothing relevant.
 *
 * @example
 * evaluateRanking(["a"], new Map([["a", 1]])) // { recallAt5: 1, recallAt10: 1, mrr: 1, ndcgAt10: 1 }
 */
export function evaluateRanking(
  ranked: readonly string[],
  relevant: ReadonlyMap<string, number>,
): QueryMetrics | null {
  const recallAt5 = recallAt(ranked, relevant, 5);
  const recallAt10 = recallAt(ranked, relevant, 10);
  const mrr = reciprocalRank(ranked, relevant);
  const ndcgAt10 = ndcgAt(ranked, relevant, 10);
  if (recallAt5 === null || recallAt10 === null || mrr === null || ndcgAt10 === null) return null;
  return { recallAt5, recallAt10, mrr, ndcgAt10 };
}

/**
 * The mean of each metric over the questions that have one (nulls are skipped); all zeros, n = 0,
 * for an empty list.
 *
 * @example
 * meanMetrics([{ recallAt5: 1, recallAt10: 1, mrr: 1, ndcgAt10: 1 }, null]).n // 1
 */
export function meanMetrics(perQuery: readonly (QueryMetrics | null)[]): MeanMetrics {
  const scored = perQuery.filter((m): m is QueryMetrics => m !== null);
  const n = scored.length;
  const mean = (pick: (m: QueryMetrics) => number) =>
    n === 0 ? 0 : scored.reduce((s, m) => s + pick(m), 0) / n;
  return {
    recallAt5: mean((m) => m.recallAt5),
    recallAt10: mean((m) => m.recallAt10),
    mrr: mean((m) => m.mrr),
    ndcgAt10: mean((m) => m.ndcgAt10),
    n,
  };
}
