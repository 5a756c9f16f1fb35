/**
 * Time named in words inside a question ("last week", "yesterday", "in March", "since Monday",
 * "two days ago", "this year"), resolved against a given "now" into a window of local days.
 * Pure and small: one pass of a handful of regular expressions, no dependency. Words that do not
 * name a time ("before the launch", "Q3 planning", "Tuesdays") resolve to nothing, and so do dates
 * the calendar does not have ("2025-02-30") and times no memory can have ("in May 0001"): they stay
 * words of the question.
 */

import { BrainError, FIRST_YEAR, LAST_YEAR, parseTime } from "../base/index.ts";

/** A window of whole local days: `from` inclusive, `to` exclusive (Unix ms). */
export interface TimeWindow {
  /** The words as they were written, e.g. "last week". */
  phrase: string;
  from: number;
  to: number;
  /** First and last day, e.g. "2026-11-23..2026-11-29". */
  label: string;
  /** Where the phrase sits in the text, so it can be left out of the keywords. */
  start: number;
  end: number;
}

type Unit = "day" | "week" | "month" | "year";
type Span = { from: Date; to: Date };

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  "a couple of": 2,
  "a few": 3,
  couple: 2,
  few: 3,
};
const NUM = `(\\d{1,3}|a couple of|a few|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
const UNIT = `(day|week|month|year)s?`;
const MONTH = `(${MONTHS.join("|")})`;
const WEEKDAY = `(${WEEKDAYS.join("|")})`;

const day0 = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
const addMonths = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth() + n, 1);
/** Monday of the week holding `d` (weeks start on Monday, as ISO 8601 has them). */
const monday = (d: Date) => addDays(day0(d), -((d.getDay() + 6) % 7));

/** The calendar unit holding `d`. */
function unitSpan(unit: Unit, d: Date): Span {
  if (unit === "day") return { from: day0(d), to: addDays(day0(d), 1) };
  if (unit === "week") return { from: monday(d), to: addDays(monday(d), 7) };
  if (unit === "month") {
    const from = new Date(d.getFullYear(), d.getMonth(), 1);
    return { from, to: addMonths(from, 1) };
  }
  return { from: new Date(d.getFullYear(), 0, 1), to: new Date(d.getFullYear() + 1, 0, 1) };
}

/** `d` moved by n units (n may be negative). */
function shift(unit: Unit, d: Date, n: number): Date {
  if (unit === "day") return addDays(d, n);
  if (unit === "week") return addDays(d, 7 * n);
  if (unit === "month") return new Date(d.getFullYear(), d.getMonth() + n, Math.min(d.getDate(), 28));
  return new Date(d.getFullYear() + n, d.getMonth(), Math.min(d.getDate(), 28));
}

/** The most recent day with that weekday: today counts unless `strictly` before today. */
function lastWeekday(now: Date, weekday: number, strictly: boolean): Span {
  let back = (now.getDay() - weekday + 7) % 7;
  if (back === 0 && strictly) back = 7;
  return unitSpan("day", addDays(now, -back));
}

/** The most recent such month that has begun (this month counts), or that month of `year`. */
function monthSpan(now: Date, month: number, year?: number): Span {
  const y = year ?? (month <= now.getMonth() ? now.getFullYear() : now.getFullYear() - 1);
  return unitSpan("month", new Date(y, month, 1));
}

const count = (word: string) => NUMBERS[word] ?? Number(word);

/** The span a memory can be dated in (parseTime's years), in Unix ms: `from` inclusive, `to` exclusive. */
export const DATABLE = { from: Date.UTC(FIRST_YEAR, 0, 1), to: Date.UTC(LAST_YEAR + 1, 0, 1) };

/**
 * True when `iso` (YYYY or YYYY-MM-DD, as written in the question) is a day or year the calendar
 * has within the years a memory can be dated in. It is `parseTime`'s own check, so a date in a
 * question means what it means to `--since`: 2025-02-30 is no date (not 2025-03-02), and May 0001
 * is no month of ours (`new Date` would have read it as May 1901).
 */
function inCalendar(iso: string): boolean {
  try {
    parseTime(iso, "a date in the question");
    return true;
  } catch (err) {
    if (err instanceof BrainError && err.code === "bad_input") return false;
    throw err;
  }
}

/** One way of naming a time: a pattern and how it becomes a span of days. */
interface Form {
  re: string;
  span: (m: RegExpExecArray, now: Date) => Span | null;
}

/** A point in time a person names: what `since`, `before` and `after` take as their object. */
const POINTS: Form[] = [
  { re: `(?:the )?day before yesterday`, span: (_, now) => unitSpan("day", addDays(now, -2)) },
  { re: `yesterday|last night`, span: (_, now) => unitSpan("day", addDays(now, -1)) },
  {
    re: `today|tonight|this (?:morning|afternoon|evening)`,
    span: (_, now) => unitSpan("day", now),
  },
  {
    re: `${NUM} ${UNIT} ago`,
    span: (m, now) => unitSpan(m[2] as Unit, shift(m[2] as Unit, now, -count(m[1]!))),
  },
  {
    re: `(?:in |over |during )?(?:the )?(?:last|past) ${NUM} ${UNIT}`,
    span: (m, now) => ({
      from: day0(shift(m[2] as Unit, now, -count(m[1]!))),
      to: addDays(day0(now), 1),
    }),
  },
  {
    re: `(?:(?:earlier|later) )?(this|last|previous|the past) (week|month|year)`,
    span: (m, now) => {
      const unit = m[2] as Unit;
      if (m[1] === "the past") return { from: day0(shift(unit, now, -1)), to: addDays(day0(now), 1) };
      return unitSpan(unit, m[1] === "this" ? now : shift(unit, now, -1));
    },
  },
  {
    re: `(?:over )?(?:the|this|last) weekend`,
    span: (_, now) => {
      const saturday = lastWeekday(now, 6, now.getDay() === 6 ? false : true).from;
      return { from: saturday, to: addDays(saturday, 2) };
    },
  },
  {
    re: `(last|this past|on)? ?${WEEKDAY}(?![\\p{L}'’])`,
    span: (m, now) => lastWeekday(now, WEEKDAYS.indexOf(m[2]!), m[1] === "last" || m[1] === "this past"),
  },
  {
    // "may" alone is a verb: the month needs a preposition or a year.
    re: `(?:(?:in|during|of|from|back in|early|late|mid) )?${MONTH}(?: (\\d{4}))?`,
    span: (m, now) => {
      const month = MONTHS.indexOf(m[1]!);
      const bare = !/^(in|during|of|from|back|early|late|mid)\b/.test(m[0]) && m[2] === undefined;
      if ((month === 4 && bare) || (m[2] !== undefined && !inCalendar(m[2]))) return null;
      return monthSpan(now, month, m[2] === undefined ? undefined : Number(m[2]));
    },
  },
  {
    // Not the year of a date: "from 2026-11-03" names the day.
    re: `(?:in|during|of|from) ((?:19|20)\\d{2})(?!-\\d)`,
    span: (m) => (inCalendar(m[1]!) ? unitSpan("year", new Date(Number(m[1]), 0, 1)) : null),
  },
  {
    re: `(?:on )?(\\d{4})-(\\d{2})-(\\d{2})`,
    span: (m) =>
      inCalendar(`${m[1]}-${m[2]}-${m[3]}`)
        ? unitSpan("day", new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
        : null,
  },
  {
    re: `recently|lately|these days`,
    span: (_, now) => ({ from: addDays(day0(now), -30), to: addDays(day0(now), 1) }),
  },
];

const ANY_POINT = POINTS.map((f) => `(?:${f.re})`).join("|");
/** Each alternative of {@link ANY_POINT} compiled alone, to find which one matched. */
const WHOLE = POINTS.map((f) => new RegExp(`^(?:${f.re})$`, "u"));

function pointSpan(words: string, now: Date): Span | null {
  for (let i = 0; i < POINTS.length; i++) {
    const m = WHOLE[i]!.exec(words);
    if (m) return POINTS[i]!.span(m, now);
  }
  return null;
}

// since X: from X to now; before X: everything until X; after X: from the end of X to now.
const FINDER = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:(since|before|after) )?(${ANY_POINT})(?![\\p{L}\\p{N}])`,
  "gu",
);

function fmt(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * The first time phrase in `text`, resolved against `now` (local time), or null.
 *
 * @example
 * findTimeWindow("what did we decide last week?", new Date("2026-12-02T10:00"))
 * // { phrase: "last week", label: "2026-11-23..2026-11-29", from: ..., to: ..., start: 19, end: 28 }
 */
export function findTimeWindow(text: string, now: Date): TimeWindow | null {
  const lower = text.toLowerCase().replace(/[’]/g, "'");
  FINDER.lastIndex = 0;
  for (let m = FINDER.exec(lower); m; m = FINDER.exec(lower)) {
    const point = pointSpan(m[2]!.replace(/\s+/g, " "), now);
    if (!point) continue;
    const span = bounded(m[1], point, now);
    if (!datable(span)) continue;
    const last = addDays(span.to, -1);
    return {
      phrase: text.slice(m.index, m.index + m[0].length),
      from: span.from.getTime(),
      to: span.to.getTime(),
      label: `${m[1] === "before" ? "" : fmt(span.from)}..${fmt(last)}`,
      start: m.index,
      end: m.index + m[0].length,
    };
  }
  return null;
}

/**
 * True when a memory could be dated inside `span`. "100 years ago" or "after December 9999" name
 * no time of this memory: as a window they could only empty the results, so they stay words.
 */
function datable(span: Span): boolean {
  const from = span.from.getTime();
  const to = span.to.getTime();
  return from < to && to > DATABLE.from && from < DATABLE.to;
}

function bounded(relation: string | undefined, point: Span, now: Date): Span {
  const tomorrow = addDays(day0(now), 1);
  if (relation === "since") return { from: point.from, to: tomorrow };
  if (relation === "after") return { from: point.to, to: tomorrow };
  if (relation === "before") return { from: new Date(0), to: point.from };
  return point;
}
