import { prepareCached, type Db } from "../db/index.ts";
import { filterSql } from "./filters.ts";
import type { Kind } from "./kinds.ts";
import { clampLimit, ENTRY_COLUMNS, rowToEntry, type Entry, type EntryRow } from "./rows.ts";

/** Lists of entries in a fixed order: `brain list`, and the lists of the session boot. Each is an index range. */

export interface ListOptions {
  kind?: Kind;
  tag?: string;
  since?: string | Date;
  until?: string | Date;
  limit?: number;
  offset?: number;
}

/** Entries passing the filters, newest first. */
export function listEntries(db: Db, options: ListOptions): Entry[] {
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

function listWhere(db: Db, whereAndOrder: string, limit: number): Entry[] {
  return prepareCached<[number], EntryRow>(
    db,
    `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE ${whereAndOrder} LIMIT ?`,
  )
    .all(limit)
    .map(rowToEntry);
}

/** Pinned entries, last changed first. */
export function pinnedEntries(db: Db, limit: number): Entry[] {
  return listWhere(db, "e.pinned = 1 ORDER BY e.updated_at DESC", limit);
}

/** Keyed facts and preferences (their current values), last changed first. */
export function keyedFacts(db: Db, limit: number): Entry[] {
  return listWhere(
    db,
    // Through the partial index of keyed entries: the planner would otherwise walk every fact.
    "e.id IN (SELECT id FROM entries WHERE key IS NOT NULL) AND e.kind IN ('fact', 'preference') ORDER BY e.updated_at DESC",
    limit,
  );
}

/** The newest unkeyed entries of a kind (facts, preferences). */
export function newestUnkeyed(db: Db, kind: "fact" | "preference", limit: number): Entry[] {
  return listWhere(db, `e.kind = '${kind}' AND e.key IS NULL ORDER BY e.created_at DESC`, limit);
}

/** The newest entries of a kind (decisions, state). */
export function newestOfKind(db: Db, kind: "decision" | "state", limit: number): Entry[] {
  return listWhere(db, `e.kind = '${kind}' ORDER BY e.created_at DESC`, limit);
}
