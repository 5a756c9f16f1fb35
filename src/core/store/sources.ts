import { prepareCached, type Db } from "../db/index.ts";
import type { Kind } from "./kinds.ts";
import { textWithoutTags } from "./text.ts";

/**
 * Reads of entries by their source (a seek on entries_source): the files import made entries
 * from, and the turns of a conversation.
 */

/** An entry's source with what import compares: its text hash, kind and tags (a JSON array, as stored). */
export interface SourceRow {
  id: number;
  source: string;
  hash: string;
  kind: Kind;
  tags: string;
}

const COLUMNS = "id, source, hash, kind, tags";

/**
 * The entries whose source starts with `prefix`. A range on the source index: from the prefix up
 * to the prefix with its last character one higher, so names with any character after it are
 * inside (`~` as the upper end would miss "Ü").
 */
export function entriesWithSourcePrefix(db: Db, prefix: string): SourceRow[] {
  const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return prepareCached<[string, string], SourceRow>(
    db,
    `SELECT ${COLUMNS} FROM entries WHERE source >= ? AND source < ?`,
  ).all(prefix, upper);
}

/** One entry as `entriesWithSourcePrefix` reads it, or undefined when it is gone. */
export function sourceRow(db: Db, id: number): SourceRow | undefined {
  return prepareCached<[number], SourceRow>(db, `SELECT ${COLUMNS} FROM entries WHERE id = ?`).get(id);
}

/**
 * The most entries a source may have for {@link entryWithSourceWords} to compare their texts: a
 * source that many lines share does not tell which line is which.
 */
const WORDS_SOURCE_MAX = 20;

/**
 * The entry from this source whose text is `text` but for its #tags (textWithoutTags), or
 * undefined; also undefined when more than {@link WORDS_SOURCE_MAX} entries have this source, so
 * importing a large export whose lines share one source never compares each line with all others.
 */
export function entryWithSourceWords(
  db: Db,
  source: string,
  text: string,
): { id: number; tags: string[] } | undefined {
  const rows = prepareCached<[string, number], { id: number; text: string; tags: string }>(
    db,
    "SELECT id, text, tags FROM entries WHERE source = ? ORDER BY id LIMIT ?",
  ).all(source, WORDS_SOURCE_MAX + 1);
  if (rows.length > WORDS_SOURCE_MAX) return undefined;
  const words = textWithoutTags(text);
  const row = rows.find((r) => textWithoutTags(r.text) === words);
  return row && { id: row.id, tags: JSON.parse(row.tags) as string[] };
}

/** The query of {@link entryWithSourceText}: hash, hash, source. */
export const SOURCE_TEXT_SQL = `SELECT id, tags FROM entries
  WHERE substr(hash, 1, 16) = substr(?, 1, 16) AND hash = ? AND source = ? ORDER BY id LIMIT 1`;

/**
 * The entry from this source with this text hash (its id and tags), or undefined. A seek on
 * entries_hash (the hash's first 16 characters): by the source index it read every entry of the
 * source, so importing a 20,000-line export whose lines share one source took 32 s instead of 4.
 */
export function entryWithSourceText(
  db: Db,
  source: string,
  hash: string,
): { id: number; tags: string[] } | undefined {
  const row = prepareCached<[string, string, string], { id: number; tags: string }>(db, SOURCE_TEXT_SQL).get(
    hash,
    hash,
    source,
  );
  return row && { id: row.id, tags: JSON.parse(row.tags) as string[] };
}

/**
 * The entries just before and just after one (created at `at`, id `id`) among those whose source
 * is `<key>#...`: the turns next to it in its conversation.
 */
export function sourceNeighbours(
  db: Db,
  key: string,
  at: number,
  id: number,
): { previous?: number; next?: number } {
  // Sources of the conversation sort between "<key>#" and "<key>$" ('$' follows '#').
  const params = { from: `${key}#`, to: `${key}$`, at, id };
  const inConversation = "e.source >= @from AND e.source < @to AND e.id <> @id";
  const previous = prepareCached<typeof params, { id: number }>(
    db,
    `SELECT e.id FROM entries e WHERE ${inConversation} AND (e.created_at, e.id) < (@at, @id)
     ORDER BY e.created_at DESC, e.id DESC LIMIT 1`,
  ).get(params);
  const next = prepareCached<typeof params, { id: number }>(
    db,
    `SELECT e.id FROM entries e WHERE ${inConversation} AND (e.created_at, e.id) > (@at, @id)
     ORDER BY e.created_at, e.id LIMIT 1`,
  ).get(params);
  return { previous: previous?.id, next: next?.id };
}
