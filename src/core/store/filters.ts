import { prepareCached, type Db } from "../db/index.ts";
import { assertKind, type Kind } from "./kinds.ts";
import { normalizeTag } from "./text.ts";
import { parseTime, untilTime } from "../base/index.ts";

/** Filters every search mode applies the same way. */
export interface SearchFilters {
  kind?: Kind;
  tag?: string;
  since?: string | Date;
  until?: string | Date;
}

/**
 * SQL conditions on the entries alias `e` for the given filters, with named parameters.
 * Keyword, vector and graph searches all use this one function, so a filter means the same
 * thing in every list.
 */
export function filterSql(filters: SearchFilters): { sql: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filters.kind) {
    where.push("e.kind = @f_kind");
    params.f_kind = assertKind(filters.kind);
  }
  if (filters.tag !== undefined) {
    where.push("e.id IN (SELECT entry_id FROM entry_tags WHERE tag = @f_tag)");
    params.f_tag = normalizeTag(filters.tag) ?? "";
  }
  if (filters.since !== undefined) {
    where.push("e.created_at >= @f_since");
    params.f_since = parseTime(filters.since, "--since");
  }
  if (filters.until !== undefined) {
    where.push("e.created_at < @f_until");
    params.f_until = untilTime(filters.until, "--until");
  }
  return { sql: where.length ? where.join(" AND ") : "1", params };
}

export function hasFilters(filters: SearchFilters): boolean {
  return Boolean(filters.kind || filters.tag !== undefined || filters.since || filters.until);
}

/** The ids among `ids` whose entries pass the filters. */
export function idsPassing(db: Db, ids: number[], filters: SearchFilters): Set<number> {
  const filter = filterSql(filters);
  const rows = prepareCached<Record<string, unknown>, { id: number }>(
    db,
    `SELECT e.id FROM entries e WHERE e.id IN (SELECT value FROM json_each(@ids)) AND ${filter.sql}`,
  ).all({ ...filter.params, ids: JSON.stringify(ids) });
  return new Set(rows.map((r) => r.id));
}
