import { prepareCached, type Db } from "../db/index.ts";
import { BrainError, parseTime, type Clock } from "../base/index.ts";
import { filterSql } from "./filters.ts";
import type { Kind } from "./kinds.ts";
import { cleanText, contentHash, mergeTags, tagsInText } from "./text.ts";

/** A memory as every caller sees it. Times are ISO 8601 strings. */
export interface Entry {
  id: number;
  kind: Kind;
  key: string | null;
  text: string;
  tags: string[];
  source: string | null;
  pinned: boolean;
  created_at: string;
  updated_at: string;
  hash: string;
}

export interface CaptureInput {
  text: string;
  kind?: Kind;
  /** A fact or preference with a key that exists updates that entry; its old value stays in history. */
  key?: string | null;
  tags?: readonly string[];
  source?: string | null;
  /** When it happened (imports keep the original time). Defaults to now. */
  at?: string | Date;
  pinned?: boolean;
  /**
   * Save a second entry even when one with the same text and kind exists. Import sets it for
   * entries it tracks by their source (a file's part), which dedup by source and hash instead.
   */
  allowDuplicate?: boolean;
}

export interface CaptureResult {
  entry: Entry;
  /** `duplicate`: the same text of the same kind was already saved, as `entry`; nothing changed. */
  status: "created" | "updated" | "unchanged" | "duplicate";
}

export interface ListOptions {
  kind?: Kind;
  tag?: string;
  since?: string | Date;
  until?: string | Date;
  limit?: number;
  offset?: number;
}

export interface EditInput {
  text?: string;
  kind?: Kind;
  tags?: readonly string[];
  pinned?: boolean;
}

export interface HistoryItem {
  kind: Kind;
  text: string;
  tags: string[];
  valid_from: string;
  valid_to: string;
}

/**
 * Runs inside the write transaction after an entry is created, changed or about to be deleted,
 * so derived data (graph edges) can never disagree with the entry. Must not await.
 */
export interface EntryHook {
  afterWrite?(entry: Entry, change: "created" | "updated"): void;
  beforeDelete?(entry: Entry): void;
}

export interface EntryRow {
  id: number;
  kind: Kind;
  key: string | null;
  text: string;
  tags: string;
  source: string | null;
  pinned: number;
  created_at: number;
  updated_at: number;
  hash: string;
}

/** Column list shared by every query that builds an Entry. */
export const ENTRY_COLUMNS =
  "e.id, e.kind, e.key, e.text, e.tags, e.source, e.pinned, e.created_at, e.updated_at, e.hash";

export function rowToEntry(row: EntryRow): Entry {
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    text: row.text,
    tags: JSON.parse(row.tags) as string[],
    source: row.source,
    pinned: row.pinned === 1,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    hash: row.hash,
  };
}

export type EntryStore = ReturnType<typeof createEntryStore>;

/**
 * The entries table: capture, get, list, edit, delete, history. Statements are prepared once;
 * every write is one short IMMEDIATE transaction, so concurrent processes queue on the lock
 * instead of failing with SQLITE_BUSY halfway through.
 *
 * @example
 * const entries = createEntryStore(db, systemClock);
 * const { entry } = entries.capture({ text: "switched the team to pnpm #tooling" });
 */
export function createEntryStore(db: Db, clock: Clock, hooks: EntryHook[] = []) {
  const byId = db.prepare<[number], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.id = ?`);
  const byKey = db.prepare<[string], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.key = ?`);
  // A seek on entries_hash (hash, kind): the duplicate check costs one index lookup per capture.
  const byHash = db.prepare<[string, string], EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.hash = ? AND e.kind = ? ORDER BY e.id LIMIT 1`,
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
  const historyOf = db.prepare<
    [number],
    { kind: Kind; text: string; tags: string; valid_from: number; valid_to: number }
  >(
    "SELECT kind, text, tags, valid_from, valid_to FROM entry_history WHERE entry_id = ? ORDER BY valid_to DESC, id DESC",
  );

  const runHooks = (entry: Entry, change: "created" | "updated") => {
    for (const hook of hooks) hook.afterWrite?.(entry, change);
  };

  function mustGet(id: number): Entry {
    const row = byId.get(id);
    if (!row) throw notFound(id);
    return rowToEntry(row);
  }

  const captureTx = db.transaction((input: CaptureInput): CaptureResult => {
    const text = cleanText(input.text);
    const kind = input.kind ?? "note";
    const key = input.key?.trim() || null;
    const tags = mergeTags(input.tags ?? [], text);
    const now = clock.now().getTime();
    const at = input.at === undefined ? now : parseTime(input.at, "--at");
    const existing = key ? byKey.get(key) : undefined;
    if (!key && !input.allowDuplicate) {
      const same = byHash.get(contentHash(text), kind);
      if (same) return { entry: rowToEntry(same), status: "duplicate" };
    }
    if (existing) {
      const hash = contentHash(text);
      const mergedTags = [...new Set([...(JSON.parse(existing.tags) as string[]), ...tags])];
      const same =
        existing.hash === hash && existing.kind === kind && existing.tags === JSON.stringify(mergedTags);
      if (same) return { entry: rowToEntry(existing), status: "unchanged" };
      update.run({
        id: existing.id,
        kind,
        text,
        tags: JSON.stringify(mergedTags),
        source: input.source ?? existing.source,
        pinned: input.pinned === undefined ? existing.pinned : Number(input.pinned),
        updated_at: Math.max(at, existing.updated_at),
        hash,
      });
      const entry = mustGet(existing.id);
      runHooks(entry, "updated");
      return { entry, status: "updated" };
    }
    const info = insert.run({
      kind,
      key,
      text,
      tags: JSON.stringify(tags),
      source: input.source ?? null,
      pinned: input.pinned ? 1 : 0,
      created_at: at,
      updated_at: at,
      hash: contentHash(text),
    });
    const entry = mustGet(Number(info.lastInsertRowid));
    runHooks(entry, "created");
    return { entry, status: "created" };
  });

  const editTx = db.transaction((id: number, input: EditInput): Entry => {
    const before = mustGet(id);
    const text = input.text === undefined ? before.text : cleanText(input.text);
    // Tags written in the old text follow the text; tags given explicitly stay.
    const oldTextTags = new Set(tagsInText(before.text));
    const kept = input.tags ?? before.tags.filter((t) => !oldTextTags.has(t));
    update.run({
      id,
      kind: input.kind ?? before.kind,
      text,
      tags: JSON.stringify(mergeTags(kept, text)),
      source: before.source,
      pinned: input.pinned === undefined ? Number(before.pinned) : Number(input.pinned),
      updated_at: Math.max(clock.now().getTime(), Date.parse(before.updated_at)),
      hash: contentHash(text),
    });
    const entry = mustGet(id);
    runHooks(entry, "updated");
    return entry;
  });

  const deleteTx = db.transaction((id: number): Entry => {
    const entry = mustGet(id);
    for (const hook of hooks) hook.beforeDelete?.(entry);
    remove.run(id);
    return entry;
  });

  const captureManyTx = db.transaction((inputs: CaptureInput[]) => inputs.map((input) => captureTx(input)));

  return {
    /** Saves a memory (or updates the keyed one). */
    capture: (input: CaptureInput): CaptureResult => captureTx.immediate(input),
    /** Saves many memories in one transaction: what import uses. */
    captureMany: (inputs: CaptureInput[]): CaptureResult[] => captureManyTx.immediate(inputs),
    get: (id: number): Entry => mustGet(id),
    find: (id: number): Entry | null => {
      const row = byId.get(id);
      return row ? rowToEntry(row) : null;
    },
    getByKey: (key: string): Entry | null => {
      const row = byKey.get(key);
      return row ? rowToEntry(row) : null;
    },
    edit: (id: number, input: EditInput): Entry => editTx.immediate(id, input),
    delete: (id: number): Entry => deleteTx.immediate(id),
    history: (id: number): HistoryItem[] => {
      mustGet(id);
      return historyOf.all(id).map((h) => ({
        kind: h.kind,
        text: h.text,
        tags: JSON.parse(h.tags) as string[],
        valid_from: new Date(h.valid_from).toISOString(),
        valid_to: new Date(h.valid_to).toISOString(),
      }));
    },
    list: (options: ListOptions = {}): Entry[] => listEntries(db, options),
  };
}

function listEntries(db: Db, options: ListOptions): Entry[] {
  const filter = filterSql(options);
  const sql = `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE ${filter.sql}
    ORDER BY e.created_at DESC, e.id DESC LIMIT @limit OFFSET @offset`;
  return prepareCached<Record<string, unknown>, EntryRow>(db, sql)
    .all({
      ...filter.params,
      limit: clampLimit(options.limit, 20, 10_000),
      offset: Math.max(0, options.offset ?? 0),
    })
    .map(rowToEntry);
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

/** Clamps a caller's limit into [1, max], with a default. */
export function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.floor(limit)));
}

function notFound(id: number): BrainError {
  return new BrainError("not_found", `There is no entry with id ${id}.`, {
    hint: "Find the id with `brain search QUERY` or `brain list`.",
  });
}
