import { prepareCached, type Db } from "../db/index.ts";
import { ENTRY_COLUMNS, rowToEntry, type Entry, type EntryRow } from "./rows.ts";

/**
 * Entries with their best fragment for the MATCH expression each was found by, the matching
 * words in **bold**, for ranked winners. snippet() asks FTS5 where an entry's matches are, and in
 * `entries_fts` that is a seek into each word's list of every entry: 60-75 µs an entry for a
 * common word at 100k entries. So the winners' text goes into a small FTS5 table of the
 * connection's own (temp, the same columns and tokenizer) for the moment it takes, and the
 * snippets come from there, one query per expression: 12 µs an entry at 100k, 7 at 10k (17
 * before). A savepoint rolled back takes the rows out again: the table stays empty, nothing is
 * written to the brain, and a read-only connection does the same. An entry that does not match
 * its expression is left out.
 */
export function ftsSnippets(
  db: Db,
  wanted: readonly { id: number; match: string }[],
): Map<number, { entry: Entry; snippet: string }> {
  const found = new Map<number, { entry: Entry; snippet: string }>();
  if (wanted.length === 0) return found;
  const byMatch = new Map<string, Set<number>>();
  for (const { id, match } of wanted) byMatch.set(match, (byMatch.get(match) ?? new Set()).add(id));
  withScratchIndex(
    db,
    () =>
      insertEntries(
        db,
        wanted.map((w) => w.id),
      ),
    () => {
      const read = prepareCached<[string], EntryRow & { snippet: string }>(
        db,
        `SELECT ${ENTRY_COLUMNS}, snippet(entry_snippets, 0, '**', '**', '…', 24) AS snippet
         FROM temp.entry_snippets JOIN main.entries e ON e.id = entry_snippets.rowid
         WHERE entry_snippets MATCH ?`,
      );
      for (const [match, ids] of byMatch) {
        for (const row of read.all(match)) {
          if (ids.has(row.id)) found.set(row.id, { entry: rowToEntry(row), snippet: row.snippet });
        }
      }
    },
  );
  return found;
}

/**
 * For each of `ids`, how many of `words` (as search/fts-query.ts splits them) its text and tags
 * contain, as `entries_fts` matches them (stemmed), 0 when none or when the entry is gone. In
 * `entries_fts` each (word, id) pair is a seek into the word's list of every entry: a 3-word
 * question's 50 results took 8 ms at 100k entries; counted in the scratch table, 0.7 ms.
 */
export function ftsWordCounts(db: Db, words: readonly string[], ids: readonly number[]): Map<number, number> {
  const counts = new Map(ids.map((id) => [id, 0]));
  if (ids.length === 0 || words.length === 0) return counts;
  withScratchIndex(
    db,
    () => insertEntries(db, ids),
    () => countMatches(db, words, counts),
  );
  return counts;
}

/**
 * For each of `texts` (id -> text, not stored anywhere), how many of `words` it contains, the words
 * stemmed as `entries_fts` stems them: "wings" is found in "a wing".
 */
export function ftsWordCountsIn(
  db: Db,
  texts: ReadonlyMap<number, string>,
  words: readonly string[],
): Map<number, number> {
  const counts = new Map([...texts.keys()].map((id) => [id, 0]));
  if (texts.size === 0 || words.length === 0) return counts;
  withScratchIndex(
    db,
    () => {
      const insert = prepareCached<[number, string]>(
        db,
        "INSERT INTO temp.entry_snippets(rowid, text, tags) VALUES (CAST(? AS INTEGER), ?, '')",
      );
      for (const [id, text] of texts) insert.run(id, text);
    },
    () => countMatches(db, words, counts),
  );
  return counts;
}

/** The entries' text and tags into the scratch table, under their own ids. */
function insertEntries(db: Db, ids: readonly number[]): void {
  prepareCached<[string]>(
    db,
    `INSERT INTO temp.entry_snippets(rowid, text, tags)
     SELECT id, text, tags FROM main.entries WHERE id IN (SELECT value FROM json_each(?))`,
  ).run(JSON.stringify(ids));
}

/** Adds one to `counts` for each row of the scratch table that matches each word (one MATCH a word). */
function countMatches(db: Db, words: readonly string[], counts: Map<number, number>): void {
  const matching = prepareCached<[string], { id: number }>(
    db,
    "SELECT rowid AS id FROM temp.entry_snippets WHERE entry_snippets MATCH ?",
  );
  for (const word of words)
    for (const { id } of matching.all(`"${word}"`)) {
      const n = counts.get(id);
      if (n !== undefined) counts.set(id, n + 1);
    }
}

/**
 * Runs `read` while the rows `fill` inserts are in the connection's scratch FTS5 table
 * (`temp.entry_snippets`: text and tags, tokenized as `entries_fts`). A savepoint rolled back takes
 * them out again, so the table is always empty between calls and nothing is committed.
 */
function withScratchIndex(db: Db, fill: () => void, read: () => void): void {
  ensureSnippetTable(db);
  db.exec("SAVEPOINT entry_snippets");
  try {
    fill();
    read();
  } finally {
    db.exec("ROLLBACK TO entry_snippets");
    db.exec("RELEASE entry_snippets");
  }
}

/**
 * The connection's snippet table, tokenized as `entries_fts` is; made when missing (also after a
 * caller's transaction that made it was rolled back).
 */
function ensureSnippetTable(db: Db): void {
  const exists = prepareCached<[], { one: number }>(
    db,
    "SELECT 1 AS one FROM temp.sqlite_schema WHERE name = 'entry_snippets'",
  ).get();
  if (exists) return;
  const { sql } = prepareCached<[], { sql: string }>(
    db,
    "SELECT sql FROM main.sqlite_schema WHERE name = 'entries_fts'",
  ).get()!;
  const tokenize = /tokenize\s*=\s*'([^']*)'/i.exec(sql)?.[1] ?? "unicode61";
  db.exec(`CREATE VIRTUAL TABLE temp.entry_snippets USING fts5(text, tags, tokenize = '${tokenize}')`);
}
