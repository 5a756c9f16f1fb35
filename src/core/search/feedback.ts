import type { Db } from "../db/index.ts";
import { countEntries, entriesById, ftsCount } from "../store/index.ts";
import { buildFtsQuery, ftsWords, STOPWORDS } from "./fts-query.ts";
import type { KeywordRank } from "./keyword.ts";
import { reciprocalRankFusion } from "./fusion.ts";

/**
 * Pseudo-relevance feedback (RM3, simplified): the words that weigh most in the best keyword
 * results, weighted by each result's share of the BM25 mass and by inverse document frequency,
 * become a second, expanded query. Only for natural-language questions of four content words or more.
 *
 * Measured with `npm run eval` (10 documents, 10 terms, chosen before measuring; 5/10, 10/20 and
 * 20/10 did no better; 10/5 halves its cost but lowers notes hybrid recall@10 to 0.671): Cranfield keyword nDCG@10 0.363 -> 0.369 and recall@10 0.397 -> 0.414,
 * hybrid nDCG@10 0.325 -> 0.332; notes keyword recall@10 0.585 -> 0.610, hybrid nDCG@10 0.569 -> 0.575.
 */
export const FEEDBACK_DOCS = 10;
export const FEEDBACK_TERMS = 10;
/** Content words a question needs before feedback (and the lead, lead.ts) reshape its ranking. */
export const LONG_QUESTION_WORDS = 4;

/** The words feedback adds to the query, best first; none for a query of fewer than four content words. */
export function feedbackTerms(db: Db, query: string, ranks: readonly KeywordRank[]): string[] {
  const terms = buildFtsQuery(query)?.terms ?? [];
  if (terms.length < LONG_QUESTION_WORDS || ranks.length === 0) return [];
  const top = ranks.slice(0, FEEDBACK_DOCS);
  const texts = entriesById(
    db,
    top.map((r) => r.id),
  );
  const mass = top.reduce((s, r) => s + Math.max(r.score, 0), 0) || 1;
  const weight = new Map<string, number>();
  for (const r of top) {
    const words = ftsWords(texts.get(r.id)?.text ?? "").filter((w) => !STOPWORDS.has(w) && w.length > 2);
    for (const w of words) {
      if (terms.includes(w) || /^\d+$/.test(w)) continue;
      weight.set(w, (weight.get(w) ?? 0) + Math.max(r.score, 0) / mass / words.length);
    }
  }
  const total = countEntries(db);
  return [...weight]
    .sort((a, b) => b[1] - a[1])
    .slice(0, FEEDBACK_TERMS * 3)
    .map(([w, p]) => [w, p * Math.log((total + 1) / (ftsCount(db, `"${w}"`) + 1))] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, FEEDBACK_TERMS)
    .map(([w]) => w);
}

/**
 * The keyword ranking fused (RRF) with a second ranking for the query plus its feedback terms. While
 * typing, and for short queries, the ranking is returned as it is.
 *
 * @example
 * withFeedback(db, "how do wings behave at high speed", ranks, false, (text) => rankKeyword(db, text, { limit: 50 }))
 */
export function withFeedback(
  db: Db,
  query: string,
  ranks: KeywordRank[],
  typing: boolean,
  rank: (text: string) => KeywordRank[],
): KeywordRank[] {
  const extra = typing ? [] : feedbackTerms(db, query, ranks);
  if (extra.length === 0) return ranks;
  const expanded = rank(`${query} ${extra.join(" ")}`);
  const byId = new Map([...expanded, ...ranks].map((k) => [k.id, k]));
  return reciprocalRankFusion([ranks.map((k) => k.id), expanded.map((k) => k.id)])
    .slice(0, Math.max(ranks.length, expanded.length))
    .map((f) => ({ ...byId.get(f.id)!, score: f.score }));
}
