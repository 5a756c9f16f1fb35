import type { Db } from "../db/index.ts";
import { hasTopic } from "./topic.ts";
import { recentInWindow, type Kind, type SearchFilters } from "../store/index.ts";
import type { QueryUnderstanding } from "./query-intent.ts";
import { DATABLE } from "./time-phrases.ts";
import { parseTime, untilTime } from "../base/index.ts";

/**
 * How much more an entry of a preferred kind scores ("what did we decide" → decisions): half as
 * much again. A time window needs no factor of its own: each list's entries inside the window are
 * fused once more as a list of their own, which about doubles their score.
 */
export const KIND_BOOST = 1.5;

/**
 * The filters with the understood window laid over them. The person's own `since`/`until` stay
 * hard limits: the window can only narrow them. Null when the two do not overlap. An edge at or
 * beyond the years a memory can be dated in ("in December 9999" ends in the year 10000) limits
 * nothing and is left open: `parseTime` would refuse it, as if the person had given that `--until`.
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
    filters.until === undefined ? Infinity : untilTime(filters.until, "--until"),
  );
  if (since >= until) return null;
  return {
    ...filters,
    since: since > DATABLE.from ? new Date(since) : undefined,
    until: until < DATABLE.to ? new Date(until) : undefined,
  };
}

/**
 * The entries inside `within` (the window laid over the filters, or the filters alone when no time
 * was named), the asked-for kinds first, newest first (store/windows.ts, `recentInWindow`): what a
 * question without a topic is answered from, and what a question that is only a time lists besides
 * the entries that say its words. Empty for a question with a topic, and when the window and
 * `--since`/`--until` do not overlap (`within` null).
 */
export function listingFor(
  db: Db,
  understood: QueryUnderstanding,
  within: SearchFilters | null,
  depth: number,
): number[] {
  if (!within || (!understood.timeOnly && hasTopic(understood.keywordText))) return [];
  return recentInWindow(db, within, understood.kinds ?? [], depth, understood.says);
}

/** What a search response says it understood (the window as ISO times). */
export interface Understood {
  summary: string;
  time?: { phrase: string; from: string; to: string; label: string };
  kinds?: Kind[];
  /**
   * The words keyword search matched after the time and intent words were left out (a question
   * that is only a time keeps its words: `timeOnly` in query-intent.ts).
   */
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
