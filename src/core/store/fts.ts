import { prepareCached, writeVersion, type Db } from "../db/index.ts";
import { filterSql, type SearchFilters } from "./filters.ts";

/**
 * The SQL on `entries_fts`, the FTS5 index over entries' text and tags. Search builds the MATCH
 * expressions (search/fts-query.ts) and ranks; the queries live here, with the table. Ids bound
 * next to a rowid are CAST: FTS5 ignores a REAL rowid constraint (how better-sqlite3 binds a
 * JavaScript number) and would return every matching row.
 */

/** Column weights for BM25: the text counts fully, tags a little more (a tag is a deliberate label). */
export const BM25_WEIGHTS = { text: 1.0, tags: 1.5 };

/** Pages of the keyword index one step of {@link tidyKeywordIndex} merges, in its own transaction. */
const MERGE_STEP_PAGES = 256;

/**
 * Merges the keyword index's small segments in short steps (each its own IMMEDIATE transaction,
 * a few ms) until every level holds one, or `maxSteps` have run. Every commit that writes entries
 * adds a segment to FTS5's index, and FTS5 merges a level by itself only once four pile up there;
 * a query looks each word up in every segment and merges their lists, so after 1,000 captures one
 * at a time into 10,000 entries a keyword search took 1.3-2.7x as long (a word with a number:
 * 0.82 -> 2.2 ms; 1.3 ms after these merges). Merging levels of two (migration 016's `usermerge`)
 * keeps the work per entry logarithmic: the whole index is never rewritten. The embedder runs it
 * after each pass. Returns how many steps did work.
 */
export function tidyKeywordIndex(db: Db, maxSteps = 64): number {
  const changes = prepareCached<[], { n: number }>(db, "SELECT total_changes() AS n");
  const merge = prepareCached(
    db,
    `INSERT INTO entries_fts(entries_fts, rank) VALUES ('merge', ${MERGE_STEP_PAGES})`,
  );
  let steps = 0;
  // FTS5 says a step did no work by changing fewer than two rows.
  const step = db.transaction(() => {
    const before = changes.get()!.n;
    merge.run();
    return changes.get()!.n - before >= 2;
  });
  while (steps < maxSteps && step.immediate()) steps++;
  return steps;
}

/** Whether the keyword index held a fullwidth word when the database was last this write version. */
const fullwidthSeen = new WeakMap<Db, { version: string; found: boolean }>();

/**
 * Whether the keyword index holds a word in fullwidth letters or digits ("ＡＰＩ", "２０２６": what
 * an input method for Japanese, Chinese or Korean often writes). Only then does a query word in
 * plain letters look up its fullwidth spelling too (search/fts-query.ts). One range read of FTS5's
 * vocabulary (a temp `fts5vocab` table of this connection; about 50 µs at 200,000 distinct words), kept
 * until any connection writes.
 */
export function hasFullwidthWords(db: Db): boolean {
  const version = writeVersion(db);
  const seen = fullwidthSeen.get(db);
  if (seen?.version === version) return seen.found;
  db.exec(
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.entries_fts_vocab USING fts5vocab(main, entries_fts, 'row')",
  );
  const found =
    prepareCached<[], { one: number }>(
      db,
      "SELECT 1 AS one FROM temp.entries_fts_vocab WHERE term >= '\uFF10' AND term < '\uFF5B' LIMIT 1",
    ).get() !== undefined;
  fullwidthSeen.set(db, { version: writeVersion(db), found });
  return found;
}

/** The SQL that rebuilds the keyword index from the entries (what `brain doctor` suggests). */
export const FTS_REBUILD_SQL = "INSERT INTO entries_fts(entries_fts) VALUES ('rebuild')";

export interface FtsMatchOptions extends SearchFilters {
  limit: number;
  /** Ids left out (already found by a stricter match). */
  exclude?: number[];
  /** `bm25` (best first) or `recent` (newest first, lets FTS5 stop after `limit` rows). */
  order?: "bm25" | "recent";
  /**
   * With `bm25` and no filter: score only the newest `window` matches. FTS5 computes BM25 for
   * every matching row before it sorts; a word in a tenth of a million entries is scored 100,000
   * times (60 ms), and among so many matches of one word the newest are as good a place to look
   * as any. Their scores stay BM25 over the whole collection.
   */
  window?: number;
}

/**
 * Ids and BM25 scores (lower is better, as FTS5 gives them) of the entries matching `match` and
 * passing the filters. The entries table is joined only when a filter needs it.
 */
export function ftsMatch(db: Db, match: string, options: FtsMatchOptions): { id: number; bm25: number }[] {
  const scope = matchScope(options);
  const matches = scoredMatches("match", scope);
  if (options.order === "recent") {
    return prepareCached<Record<string, unknown>, { id: number; bm25: number }>(
      db,
      `${matches} ORDER BY entries_fts.rowid DESC LIMIT @limit`,
    ).all({ ...scope.params, match });
  }
  // The window: FTS5 hands rows over newest first and stops after `window` of them, so only those
  // are scored (one walk of the doclist; finding the window's oldest id first walked it twice).
  const windowed = Boolean(options.window) && !scope.join;
  return prepareCached<Record<string, unknown>, { id: number; bm25: number }>(
    db,
    windowed
      ? `${newestWindow(matches)} ORDER BY bm25, id DESC LIMIT @limit`
      : `${matches} ORDER BY bm25, id DESC LIMIT @limit`,
  ).all({ ...scope.params, match, ...(windowed ? { window: options.window } : {}) });
}

/**
 * Ids and summed BM25 scores of the entries matching any of `words` (as search/fts-query.ts splits
 * them) and passing the filters, best first. FTS5's BM25 of `"a" OR "b"` is the sum of each
 * phrase's part, but an OR query cannot be windowed (its newest matches are the common word's),
 * and a rare word must keep its old entries. So a word with more than `window` matches (and no
 * filter) is its own query over its newest `window` matches, the other words share one OR query,
 * a word that matches nothing is left out, and SQLite adds up each entry's scores when there is
 * more than one query. With one word left (a word and a number that matches nothing, say), it is
 * ftsMatch's query: grouping 4,600 matches of one word cost 6.5 ms at 100k, the query alone
 * 2.4 ms. With one query left, its order is used as it is. Nor is anything summed for two words
 * whose common matches are all in `exclude` (`allWordsExcluded`: the caller's all-words matches,
 * which the fallback follows): each entry left matches one word, so each word is ftsMatch's
 * windowed query and their rows are only merged by score (at 100k, a common word with a number:
 * 4 ms grouped), with no word's matches looked up first.
 */
export function ftsMatchAny(
  db: Db,
  words: readonly string[],
  options: FtsMatchOptions & { window: number; allWordsExcluded?: boolean },
): { id: number; bm25: number }[] {
  const { join, where, params } = matchScope(options);
  if (!join && options.allWordsExcluded === true && words.length <= 2) {
    return mergedByScore(db, words, { where, params, window: options.window });
  }
  const found = words.map((word) => `"${word}"`).filter((m) => join || windowFloor(db, m, 1) !== null);
  // One word left: its own windowed query (ftsMatch), no floor to find.
  if (!join && found.length === 1) return ftsMatch(db, found[0]!, options);
  const whole: string[] = [];
  const windowed: { match: string; floor: number }[] = [];
  for (const match of found) {
    const floor = join ? null : windowFloor(db, match, options.window);
    if (floor !== null) windowed.push({ match, floor });
    else whole.push(match);
  }
  const queries = [...windowed, ...(whole.length ? [{ match: whole.join(" OR "), floor: null }] : [])];
  if (queries.length === 0) return [];
  const parts = queries.map(({ match, floor }, i) => {
    params[`m${i}`] = match;
    if (floor !== null) params[`f${i}`] = floor;
    const above = floor === null ? "1" : `entries_fts.rowid >= CAST(@f${i} AS INTEGER)`;
    return scoredMatches(`m${i}`, { join, where: `${where} AND ${above}` });
  });
  const scored =
    parts.length === 1
      ? parts[0]!
      : `SELECT id, sum(bm25) AS bm25 FROM (${parts.join(" UNION ALL ")}) GROUP BY id`;
  return prepareCached<Record<string, unknown>, { id: number; bm25: number }>(
    db,
    `SELECT id, bm25 FROM (${scored}) ORDER BY bm25, id DESC LIMIT @limit`,
  ).all(params);
}

/**
 * Words no entry left matches together: each word's newest `window` matches (all of a rarer
 * word's), scored alone, merged by score. FTS5 hands each word's rows over newest first and stops
 * at the window, so no word's matches are looked up beforehand: finding a common word's window
 * floor first walked its list twice (hybrid search with a word and a number both found, 3.7 ms
 * at 100k, 6.7% of it the floor).
 */
function mergedByScore(
  db: Db,
  words: readonly string[],
  scope: { where: string; params: Record<string, unknown>; window: number },
): { id: number; bm25: number }[] {
  const { where, params } = scope;
  const parts = words.map((word, i) => {
    params[`m${i}`] = `"${word}"`;
    return newestWindow(scoredMatches(`m${i}`, { join: "", where }));
  });
  return prepareCached<Record<string, unknown>, { id: number; bm25: number }>(
    db,
    `SELECT id, bm25 FROM (${parts.join(" UNION ALL ")}) ORDER BY bm25, id DESC LIMIT @limit`,
  ).all({ ...params, window: scope.window });
}

/** The entries matching the MATCH parameter `@param` within the scope, as `id` and `bm25`. */
function scoredMatches(param: string, scope: { join: string; where: string }): string {
  return `SELECT entries_fts.rowid AS id, ${BM25_SQL} AS bm25 FROM entries_fts ${scope.join}
    WHERE entries_fts MATCH @${param} AND ${scope.where}`;
}

/**
 * The newest `@window` of {@link scoredMatches}' rows (no join): FTS5 hands them over newest first
 * and stops there, so only those are scored.
 */
function newestWindow(matches: string): string {
  return `SELECT id, bm25 FROM (${matches} ORDER BY entries_fts.rowid DESC LIMIT @window)`;
}

const BM25_SQL = `bm25(entries_fts, ${BM25_WEIGHTS.text}, ${BM25_WEIGHTS.tags})`;

/** The join and conditions for a match's filters and excluded ids, with their parameters and the limit. */
function matchScope(options: FtsMatchOptions): {
  join: string;
  where: string;
  params: Record<string, unknown>;
} {
  const filter = filterSql(options);
  const exclude = options.exclude ?? [];
  return {
    join: filter.sql === "1" ? "" : "JOIN entries e ON e.id = entries_fts.rowid",
    where: exclude.length
      ? `${filter.sql} AND entries_fts.rowid NOT IN (SELECT value FROM json_each(@exclude))`
      : filter.sql,
    params: {
      ...filter.params,
      limit: options.limit,
      ...(exclude.length ? { exclude: JSON.stringify(exclude) } : {}),
    },
  };
}

/**
 * The id of the `window`-th newest entry matching `match`, or null when fewer match: FTS5 walks
 * the doclist newest first and stops there, without scoring anything.
 */
function windowFloor(db: Db, match: string, window: number): number | null {
  const row = prepareCached<[string, number], { id: number }>(
    db,
    "SELECT rowid AS id FROM entries_fts WHERE entries_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
  ).get(match, window - 1);
  return row?.id ?? null;
}

/** How many entries match the MATCH expression: a term's document frequency. */
export function ftsCount(db: Db, match: string): number {
  return prepareCached<[string], { n: number }>(
    db,
    "SELECT count(*) AS n FROM entries_fts WHERE entries_fts MATCH ?",
  ).get(match)!.n;
}

/**
 * FTS5's own check that the index matches the entries' text (rank 1: against the content table).
 * A write statement that changes nothing; it throws SQLITE_CORRUPT_VTAB when they differ.
 */
export const FTS_CHECK_SQL = "INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)";

/** FTS5's own check that the index matches the entries; throws when it does not. */
export function checkFtsIntegrity(db: Db): void {
  db.exec(FTS_CHECK_SQL);
}
