import type { Db } from "../db/index.ts";
import { ENTRY_COLUMNS, entryNotFound, rowToEntry, type Entry, type EntryRow } from "./rows.ts";

/**
 * Runs inside the write transaction after an entry is created, changed or about to be deleted,
 * so derived data (graph edges) can never disagree with the entry. Must not await.
 */
export interface EntryHook {
  afterWrite?(entry: Entry, change: "created" | "updated"): void;
  beforeDelete?(entry: Entry): void;
}

/** The columns an insert or update writes, times in Unix milliseconds. */
export interface EntryWrite {
  kind: string;
  text: string;
  tags: string;
  source: string | null;
  pinned: number;
  updated_at: number;
  hash: string;
}

/** The entry store's statements, prepared once per store, and what its operations share. */
export interface EntryStatements {
  db: Db;
  hooks: readonly EntryHook[];
  byId: (id: number) => EntryRow | undefined;
  byKey: (key: string) => EntryRow | undefined;
  /** The oldest entry with this text hash and kind. */
  /** The entries with this text (its hash) and kind, oldest first: at most SAME_TEXT_ROWS. */
  byHash: (hash: string, kind: string) => EntryRow[];
  insert: (row: EntryWrite & { key: string | null; created_at: number }) => number;
  update: (row: EntryWrite & { id: number }) => void;
  remove: (id: number) => void;
}

/**
 * Entries of one text a capture looks at for one it may match (capture.ts): the oldest, and the
 * next when a caller may not see it. Imports keep many of one text apart by source; a capture's
 * text that 20 memories hidden from the caller hold is saved once more.
 */
const SAME_TEXT_ROWS = 20;

export function prepareEntryStatements(db: Db, hooks: readonly EntryHook[]): EntryStatements {
  const byId = db.prepare<[number], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.id = ?`);
  const byKey = db.prepare<[string], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.key = ?`);
  // A seek on entries_hash (the hash's first 16 characters): the duplicate check costs one index
  // lookup per capture.
  const byHash = db.prepare<[string, string, string], EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM entries e
     WHERE substr(e.hash, 1, 16) = substr(?, 1, 16) AND e.hash = ? AND e.kind = ? ORDER BY e.id LIMIT ${SAME_TEXT_ROWS}`,
  );
  const insert = db.prepare(
    `INSERT INTO entries(kind, key, text, tags, source, pinned, created_at, updated_at, hash)
     VALUES (@kind, @key, @text, @tags, @source, @pinned, @created_at, @updated_at, @hash)`,
  );
  const update = db.prepare(
    `UPDATE entries SET kind = @kind, text = @text, tags = @tags, source = @source, pinned = @pinned,
       updated_at = @updated_at, hash = @hash WHERE id = @id`,
  );
  const remove = db.prepare<[number]>("DELETE FROM entries WHERE id = ?");
  return {
    db,
    hooks,
    byId: (id) => byId.get(id),
    byKey: (key) => byKey.get(key),
    byHash: (hash, kind) => byHash.all(hash, hash, kind),
    insert: (row) => Number(insert.run(row).lastInsertRowid),
    update: (row) => void update.run(row),
    remove: (id) => void remove.run(id),
  };
}

/** The entry, or a `not_found` error. */
export function mustGet(s: EntryStatements, id: number): Entry {
  const row = s.byId(id);
  if (!row) throw entryNotFound(id);
  return rowToEntry(row);
}

export function runAfterWrite(s: EntryStatements, entry: Entry, change: "created" | "updated"): void {
  for (const hook of s.hooks) hook.afterWrite?.(entry, change);
}
