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
