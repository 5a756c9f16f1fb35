import { prepareCached, type Db } from "../db/index.ts";
import { parseTime, untilTime } from "../base/index.ts";
import { filterSql, type SearchFilters } from "./filters.ts";
import type { Kind } from "./kinds.ts";

/** Entries in a time window: what a question with a time ("what did we decide last week?") reads. */

/**
 * Entries in the filters' window, newest first within each tier: the preferred kinds in the order
 * given (preferences before facts), then entries of other kinds whose text matches `says` (an FTS5
 * expression: a note that says "decided"), then the rest. What a question with a time and no
 * topic is answered from.
 */
export function recentInWindow(
  db: Db,
  filters: SearchFilters,
  kinds: readonly Kind[],
  limit: number,
  says?: string,
): number[] {
  const stated = says ? "e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH @says)" : "0";
  // The filters as every other list reads them, so `--tag "#Work"` is the tag "work" here too.
  const filter = filterSql(filters);
  const rows = prepareCached<Record<string, unknown>, { id: number }>(
    db,
    `SELECT e.id FROM entries e
     WHERE ${filter.sql}
     ORDER BY coalesce((SELECT CAST(k.key AS INTEGER) FROM json_each(@kinds) k WHERE k.value = e.kind),
                       json_array_length(@kinds) + CASE WHEN ${stated} THEN 0 ELSE 1 END),
              e.created_at DESC, e.id DESC
     LIMIT @limit`,
  ).all({
    ...filter.params,
    kinds: JSON.stringify(kinds),
    limit,
    ...(says ? { says } : {}),
  });
  return rows.map((r) => r.id);
}

/** The ids among `ids` whose entries were created inside the filters' window, in one query. */
export function idsInWindow(db: Db, ids: number[], filters: SearchFilters): Set<number> {
  if (ids.length === 0) return new Set();
  const rows = prepareCached<[string, number, number], { id: number }>(
    db,
    "SELECT id FROM entries WHERE id IN (SELECT value FROM json_each(?)) AND created_at >= ? AND created_at < ?",
  ).all(JSON.stringify([...new Set(ids)]), bounds(filters).since, bounds(filters).until);
  return new Set(rows.map((r) => r.id));
}

/**
 * The window's bounds in Unix ms; an open end is unbounded. (A far-off Date as the open end would
 * be refused by `parseTime`, which allows the years 1970-9999 only.)
 */
function bounds(filters: SearchFilters): { since: number; until: number } {
  return {
    since: filters.since === undefined ? 0 : parseTime(filters.since, "--since"),
    until: filters.until === undefined ? Number.MAX_SAFE_INTEGER : untilTime(filters.until, "--until"),
  };
}
