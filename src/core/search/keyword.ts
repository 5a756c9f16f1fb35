import type { Db } from "../db/index.ts";
import {
  ftsMatch,
  ftsMatchAny,
  ftsSnippets,
  ftsWordCounts,
  hasFullwidthWords,
  type Entry,
  type SearchFilters,
} from "../store/index.ts";
import { buildFtsQuery, type FtsQuery } from "./fts-query.ts";

/** A keyword match before its entry is read: enough to rank and fuse. */
export interface KeywordRank {
  id: number;
  /** BM25, sign flipped so that higher is better. */
  score: number;
  /** The MATCH expression that found it, for its snippet. */
  match: string;
  /** How much it counts when fused with meaning (see withShares); 1 when not set. */
  share?: number;
}

export interface KeywordHit {
  entry: Entry;
  score: number;
  /** The best fragment of the text with the matching words in **bold**. */
  snippet: string;
}

/**
 * Keyword search over FTS5 with BM25. Every word must match; when that finds fewer than
 * `limit`, entries matching any content word follow, ranked below. Never throws on user text.
 *
 * @example
 * keywordSearch(db, "pnpm", { limit: 10 })[0]?.snippet // "switched the team to **pnpm** #tooling"
 */
export function keywordSearch(
  db: Db,
  text: string,
  options: SearchFilters & { limit: number; prefix?: boolean },
): KeywordHit[] {
  const ranks = rankKeyword(db, text, options);
  const details = keywordDetails(db, ranks);
  return ranks.flatMap((r) => details.get(r.id) ?? []);
}

/**
 * The MATCH expressions of a keyword search, the same for its ranking and its shares: a plain
 * word looks up its fullwidth spelling too when the index holds fullwidth words.
 */
function keywordQuery(db: Db, text: string, prefix?: boolean): FtsQuery | null {
  return buildFtsQuery(text, { prefix, fullwidth: hasFullwidthWords(db) });
}

/**
 * The ranking alone: ids and scores, no entry read and no snippet. SQLite computes every selected
 * column before it sorts, so snippets are built afterwards, for the winners only.
 */
export function rankKeyword(
  db: Db,
  text: string,
  options: SearchFilters & { limit: number; prefix?: boolean },
): KeywordRank[] {
  const query = keywordQuery(db, text, options.prefix);
  if (!query) return [];
  // A lone prefix of 1-3 letters ("pn" while typing) matches a large share of all entries, and
  // BM25 would score every one of them. Newest first is what a person expects at that point and
  // lets FTS5 stop after `limit` rows; from the fourth letter on, BM25 takes over.
  const shortPrefix = query.all.endsWith("*") && query.terms.length === 1 && query.terms[0]!.length <= 3;
  const ranks = allWords(db, query.all, options, shortPrefix ? "recent" : "bm25");
  // As you type, every word typed so far must match; the any-word fallback is for typed-out queries.
  if (ranks.length < options.limit && query.any && !options.prefix) {
    const seen = ranks.map((r) => r.id);
    ranks.push(...anyWord(db, query, { ...options, limit: options.limit - ranks.length }, seen));
  }
  return ranks;
}

/**
 * Matches BM25 scores at most (the newest; store/fts.ts), per query when every word must match
 * and per word in the any-word fallback: at a million entries a common word's keyword list then
 * costs about what it costs at 40,000, and a rare word (in fewer entries than this) has every
 * match scored, so its old entry is never cut off by a common word's newer ones. FTS5 scores a
 * match in about 0.7 µs (1.4 at a million): 2,000 cost 1.4 ms at 100k, 5,000 (this window until
 * hybrid search had to fit 4.4 ms there) 3.3 ms. The eval collections give the same lists with
 * 1,000, 2,000 and 5,000 (none of their words is that common).
 */
export const BM25_WINDOW = 2000;

/** The any-word fallback, each word windowed (store's ftsMatchAny). */
function anyWord(
  db: Db,
  query: FtsQuery,
  options: SearchFilters & { limit: number },
  exclude: number[],
): KeywordRank[] {
  // `exclude` holds every entry that matches all the words when the all-words query found fewer
  // than a limit below its window: the window then held every such match.
  return ftsMatchAny(db, query.forms, {
    ...options,
    exclude,
    window: BM25_WINDOW,
    allWordsExcluded: exclude.length + options.limit < BM25_WINDOW,
  }).map((row) => ({ id: row.id, score: -row.bm25, match: query.any! }));
}

/** The all-words query, windowed (BM25_WINDOW) when ranked by BM25. */
function allWords(
  db: Db,
  match: string,
  options: SearchFilters & { limit: number },
  order: "bm25" | "recent",
): KeywordRank[] {
  return ftsMatch(db, match, { ...options, order, window: BM25_WINDOW }).map((row) => ({
    id: row.id,
    score: -row.bm25,
    match,
  }));
}

/** Entries and highlighted snippets for ranked matches (store's `ftsSnippets`), by id. */
export function keywordDetails(db: Db, ranks: KeywordRank[]): Map<number, KeywordHit> {
  const found = ftsSnippets(db, ranks);
  const hits = new Map<number, KeywordHit>();
  for (const { id, score } of ranks) {
    const hit = found.get(id);
    if (hit) hits.set(id, { ...hit, score });
  }
  return hits;
}

/**
 * Short questions (2 to `SHARE_MAX_WORDS` content words) in hybrid search: each keyword match
 * counts in the fusion by the square of its share of the question's words, over the best match's.
 * "How do I take my morning brew?" finds 50 entries that say only "morning" or "take"; counted in
 * full, those pushed the one that means it (found by meaning alone) out of the ten. Long questions
 * match in part by nature (Cranfield's ten-word questions lost 0.015 nDCG@10 with it), and one
 * word cannot match in part. `npm run eval`: notes hybrid recall@10 0.692 -> 0.702, nDCG@10
 * 0.590 -> 0.602; Cranfield hybrid nDCG@10 0.348 -> 0.347. The ranks are returned as they are
 * when it does not apply.
 *
 * What a match has is known without asking FTS5 for every match of every word: one found by the
 * all-words query has them all, one of a two-word question found by the fallback has one. Only
 * partial matches of three words or more are counted (store's ftsWordCounts).
 */
export function withShares(db: Db, text: string, ranks: KeywordRank[]): KeywordRank[] {
  const query = keywordQuery(db, text);
  const words = [...new Set(query?.terms ?? [])];
  if (!query || words.length < 2 || words.length > SHARE_MAX_WORDS || ranks.length === 0) return ranks;
  const partial = ranks.filter((r) => r.match !== query.all).map((r) => r.id);
  const counts =
    words.length === 2 ? new Map(partial.map((id) => [id, 1])) : ftsWordCounts(db, words, partial);
  const count = (r: KeywordRank) => (r.match === query.all ? words.length : counts.get(r.id)!);
  const best = Math.max(1, ...ranks.map(count));
  return ranks.map((r) => ({ ...r, share: (count(r) / best) ** 2 }));
}

export const SHARE_MAX_WORDS = 5;
