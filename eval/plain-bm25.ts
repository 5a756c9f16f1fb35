/**
 * The baseline keyword search is measured against: plain BM25 as textbooks and most published runs
 * define it. The same FTS5 and the same `bm25()`, but the `unicode61` tokenizer without stemming,
 * every word of the question OR-ed (stopwords kept: BM25's IDF gives them almost no weight), and no
 * column weights. It lives in the evaluation database only.
 */
import type { Db } from "../src/core/db/open.ts";
import { ftsWords } from "../src/core/search/fts-query.ts";

/** Builds the baseline's index over every entry of the database. */
export function indexPlainBm25(db: Db): void {
  db.exec(`
    CREATE VIRTUAL TABLE plain_bm25 USING fts5(text, tags, tokenize = 'unicode61');
    INSERT INTO plain_bm25(rowid, text, tags) SELECT id, text, tags FROM entries;
  `);
}

/** The sources of the `limit` best entries for `question` by plain BM25, best first. */
export function searchPlainBm25(db: Db, question: string, limit: number): (string | null)[] {
  const words = ftsWords(question);
  if (words.length === 0) return [];
  const match = words.map((w) => `"${w}"`).join(" OR ");
  return db
    .prepare<[string, number], { source: string | null }>(
      `SELECT e.source FROM plain_bm25 JOIN entries e ON e.id = plain_bm25.rowid
       WHERE plain_bm25 MATCH ? ORDER BY bm25(plain_bm25) LIMIT ?`,
    )
    .all(match, limit)
    .map((r) => r.source);
}
