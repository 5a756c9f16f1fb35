import { prepareCached, type Db } from "../db/index.ts";
import { filterSql, type SearchFilters } from "./filters.ts";
import { KINDS, type Kind } from "./kinds.ts";
import { ENTRY_COLUMNS, rowToEntry, type Entry, type EntryRow } from "./rows.ts";

/** Reads of entries by id and counts, for the other concepts (search, graph, embed, status). */

/** A keyed entry (a fact or preference with one current value), with its tags for the privacy gate. */
export interface KeyedEntry {
  id: number;
  key: string;
  text: string;
  tags: string[];
}

export type KeyedRow = Omit<KeyedEntry, "tags"> & { tags: string };
export const keyedEntry = (row: KeyedRow): KeyedEntry => ({ ...row, tags: JSON.parse(row.tags) as string[] });

/** The most recently updated keyed facts and preferences. */
export function recentKeyed(db: Db, limit = 500): KeyedEntry[] {
  return prepareCached<[number], KeyedRow>(
    db,
    `SELECT id, key, text, tags FROM entries WHERE key IS NOT NULL AND kind IN ('fact', 'preference')
     ORDER BY updated_at DESC LIMIT ?`,
  )
    .all(limit)
    .map(keyedEntry);
}

/** SQL that is true when the tag in `column` marks its entry #private: the gate's rule (privacy `isPrivate`). */
export const privateTagSql = (column: string) => `(${column} = 'private' OR ${column} LIKE 'private/%')`;

/**
 * The tags in use, most used first. With `publicOnly`, only the tags of entries not tagged
 * #private, counted over those entries alone: so never #private or #private/… themselves.
 */
export function tagsInUse(db: Db, options: { publicOnly?: boolean; limit?: number } = {}): string[] {
  return prepareCached<[number, number], { tag: string }>(
    db,
    `SELECT tag FROM entry_tags t
     WHERE NOT (? AND EXISTS (
       SELECT 1 FROM entry_tags p WHERE p.entry_id = t.entry_id AND ${privateTagSql("p.tag")}))
     GROUP BY tag ORDER BY count(*) DESC, tag LIMIT ?`,
  )
    .all(options.publicOnly ? 1 : 0, options.limit ?? 60)
    .map((r) => r.tag);
}

/** Entries by id, in one query. */
export function entriesById(db: Db, ids: number[]): Map<number, Entry> {
  if (ids.length === 0) return new Map();
  const rows = prepareCached<[string], EntryRow>(
    db,
    `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(ids));
  return new Map(rows.map((row) => [row.id, rowToEntry(row)]));
}

/** The entries among `ids` that pass the filters, in one query. */
export function entriesPassing(db: Db, ids: number[], filters: SearchFilters): Map<number, Entry> {
  if (ids.length === 0) return new Map();
  const filter = filterSql(filters);
  const rows = prepareCached<Record<string, unknown>, EntryRow>(
    db,
    `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.id IN (SELECT value FROM json_each(@ids)) AND ${filter.sql}`,
  ).all({ ...filter.params, ids: JSON.stringify(ids) });
  return new Map(rows.map((row) => [row.id, rowToEntry(row)]));
}

/** True when an entry with this id exists. */
export function entryExists(db: Db, id: number): boolean {
  return (
    prepareCached<[number], { id: number }>(db, "SELECT id FROM entries WHERE id = ?").get(id) !== undefined
  );
}

/** The hash of an entry's text now, or undefined when it is gone. */
export function entryHash(db: Db, id: number | bigint): string | undefined {
  return prepareCached<[number | bigint], { hash: string }>(db, "SELECT hash FROM entries WHERE id = ?").get(
    id,
  )?.hash;
}

/** The kinds of the given entries, in one query. */
export function kindsOf(db: Db, ids: number[]): Map<number, Kind> {
  if (ids.length === 0) return new Map();
  const rows = prepareCached<[string], { id: number; kind: Kind }>(
    db,
    "SELECT id, kind FROM entries WHERE id IN (SELECT value FROM json_each(?))",
  ).all(JSON.stringify(ids));
  return new Map(rows.map((r) => [r.id, r.kind]));
}

/** How many entries there are. */
export function countEntries(db: Db): number {
  return prepareCached<[], { n: number }>(db, "SELECT count(*) AS n FROM entries").get()!.n;
}

/** How many entries there are, in all and of each kind (every kind present, 0 when none). */
export function countByKind(db: Db): { entries: number; by_kind: Record<Kind, number> } {
  const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  let entries = 0;
  for (const row of prepareCached<[], { kind: Kind; n: number }>(
    db,
    "SELECT kind, count(*) AS n FROM entries GROUP BY kind",
  ).all()) {
    byKind[row.kind] = row.n;
    entries += row.n;
  }
  return { entries, by_kind: byKind };
}

/** How many different tags are in use. */
export function countTags(db: Db): number {
  return (
    prepareCached<[], { n: number }>(db, "SELECT count(DISTINCT tag) AS n FROM entry_tags").get()?.n ?? 0
  );
}

/**
 * The ids among `ids` of entries tagged #private (or #private/…): what the privacy gate holds
 * back when it has ids but not tags (the embedder's batches).
 */
export function privateTaggedIds(db: Db, ids: readonly number[]): Set<number> {
  if (ids.length === 0) return new Set();
  const rows = prepareCached<[string], { id: number }>(
    db,
    `SELECT DISTINCT t.entry_id AS id FROM entry_tags t
     WHERE t.entry_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))
       AND ${privateTagSql("t.tag")}`,
  ).all(JSON.stringify(ids));
  return new Set(rows.map((r) => r.id));
}
