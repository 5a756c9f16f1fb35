import { prepareCached, type Db } from "../db/index.ts";
import type { Kind, SearchFilters } from "../store/index.ts";
import { ftsWords, STOPWORDS } from "./fts-query.ts";
import type { QueryUnderstanding } from "./query-intent.ts";
import { parseTime } from "../base/index.ts";

/**
 * How much more an entry of a preferred kind scores ("what did we decide" → decisions): half as
 * much again. A time window needs no factor of its own: each list's entries inside the window are
 * fused once more as a list of their own, which about doubles their score.
 */
export const KIND_BOOST = 1.5;

/**
 * Words that say a question is about one's memory rather than name a subject ("what did I do
 * yesterday", "what happened last week"). A question left with only these and stopwords has no
 * topic: its time and kind are all there is to rank by.
 */
const GENERIC = new Set(
  (
    "do did done doing happen happened happening work worked working capture captured save saved note notes " +
    "noted write wrote written say said talk talked remember thing things anything something everything " +
    "stuff new change changed changes up go going went get got make made"
  ).split(" "),
);

/** True when `text` names a subject: a content word that is neither a stopword nor generic. */
export function hasTopic(text: string): boolean {
  return ftsWords(text).some((w) => !STOPWORDS.has(w) && !GENERIC.has(w));
}

/**
 * The filters with the understood window laid over them. The person's own `since`/`until` stay
 * hard limits: the window can only narrow them. Null when the two do not overlap.
 */
export function windowFilters(
  filters: SearchFilters,
  time: { from: number; to: number },
): SearchFilters | null {
  const since = Math.max(
    time.from,
    filters.since === undefined ? -Infinity : parseTime(filters.since, "--since"),
  );
  const until = Math.min(
    time.to,
    filters.until === undefined ? Infinity : parseTime(filters.until, "--until"),
  );
  if (since >= until) return null;
  return { ...filters, since: new Date(since), until: new Date(until) };
}

/**
 * Entries in the filters' window, the preferred kinds first, newest first: what a question with a
 * time and no topic ("what did we decide last week?") is answered from.
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

/** The kinds of the given entries, in one query. */
export function kindsOf(db: Db, ids: number[]): Map<number, Kind> {
  if (ids.length === 0) return new Map();
  const rows = prepareCached<[string], { id: number; kind: Kind }>(
    db,
    "SELECT id, kind FROM entries WHERE id IN (SELECT value FROM json_each(?))",
  ).all(JSON.stringify(ids));
  return new Map(rows.map((r) => [r.id, r.kind]));
}

/** What a search response says it understood (the window as ISO times). */
export interface Understood {
  summary: string;
  time?: { phrase: string; from: string; to: string; label: string };
  kinds?: Kind[];
  /** The words keyword search matched after the time and intent words were left out. */
  keywords: string;
}

export function describeUnderstanding(u: QueryUnderstanding): Understood {
  return {
    summary: u.summary,
    ...(u.time
      ? {
          time: {
            phrase: u.time.phrase.trim(),
            from: new Date(u.time.from).toISOString(),
            to: new Date(u.time.to).toISOString(),
            label: u.time.label,
          },
        }
      : {}),
    ...(u.kinds ? { kinds: u.kinds } : {}),
    keywords: u.keywordText,
  };
}
