import { assertKind, type Kind } from "./entries.ts";
import { normalizeTag } from "./text.ts";
import { parseTime } from "./time.ts";

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
    params.f_until = parseTime(filters.until, "--until");
  }
  return { sql: where.length ? where.join(" AND ") : "1", params };
}

export function hasFilters(filters: SearchFilters): boolean {
  return Boolean(filters.kind || filters.tag !== undefined || filters.since || filters.until);
}
