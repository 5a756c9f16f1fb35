import { prepareCached, type Db } from "../db/index.ts";
import { parseTime } from "../base/index.ts";
import type { SearchFilters } from "./filters.ts";
import type { Kind } from "./kinds.ts";

/** Entries in a time window: what a question with a time ("what did we decide last week?") reads. */

/**
 * Entries in the filters' window, the preferred kinds first, newest first: what a question with a
 * time and no topic is answered from.
 */
export function recentInWindow(
  db: Db,
  filters: SearchFilters,
  kinds: readonly Kind[],
  limit: number,
): number[] {
  const rows = prepareCached<Record<string, unknown>, { id: number }>(
    db,
    `SELECT e.id FROM entries e
     WHERE e.created_at >= @since AND e.created_at < @until
       AND (@kind IS NULL OR e.kind = @kind)
       AND (@tag IS NULL OR e.id IN (SELECT entry_id FROM entry_tags WHERE tag = @tag))
     ORDER BY e.kind IN (SELECT value FROM json_each(@kinds)) DESC, e.created_at DESC, e.id DESC
     LIMIT @limit`,
  ).all({
    since: parseTime(filters.since ?? new Date(0), "--since"),
    until: parseTime(filters.until ?? new Date(8.64e15), "--until"),
    kind: filters.kind ?? null,
    tag: filters.tag ?? null,
    kinds: JSON.stringify(kinds),
    limit,
  });
  return rows.map((r) => r.id);
}

/** The ids among `ids` whose entries were created inside the filters' window, in one query. */
export function idsInWindow(db: Db, ids: number[], filters: SearchFilters): Set<number> {
  if (ids.length === 0) return new Set();
  const rows = prepareCached<[string, number, number], { id: number }>(
    db,
    "SELECT id FROM entries WHERE id IN (SELECT value FROM json_each(?)) AND created_at >= ? AND created_at < ?",
  ).all(
    JSON.stringify([...new Set(ids)]),
    parseTime(filters.since ?? new Date(0), "--since"),
    parseTime(filters.until ?? new Date(8.64e15), "--until"),
  );
  return new Set(rows.map((r) => r.id));
}
