import { BrainError } from "./errors.ts";

const ISO_HINT = "Use an ISO 8601 time such as 2026-03-01 or 2026-03-01T09:30:00Z.";

/** The years a stored time may fall in: Unix time starts in 1970; ISO 8601 years have four digits. */
export const FIRST_YEAR = 1970;
export const LAST_YEAR = 9999;

/** YYYY[-MM[-DD[(T| )hh:mm[:ss[.fff]][Z|±hh[:]mm]]]]: ISO 8601 as people and files write it. */
const ISO_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?)?$/i;

const MONTHS = "January February March April May June July August September October November December".split(
  " ",
);

/**
 * Parses a time given by a person or a file (ISO 8601, or a Date) into Unix ms. Refuses what is not
 * ISO 8601, dates the calendar does not have (2025-02-30 is not read as 2025-03-02) and years
 * outside 1970-9999.
 *
 * @example
 * parseTime("2026-03-01", "--at") // 1772323200000
 */
export function parseTime(value: string | Date, what: string): number {
  if (value instanceof Date) return inRange(value.getTime(), String(value), what);
  const text = value.trim();
  const year = /^[+-]?(\d+)-/.exec(text)?.[1];
  if (year !== undefined && (year.length !== 4 || Number(year) < FIRST_YEAR)) throw outOfRange(value, what);
  const parts = ISO_TIME.exec(text);
  if (!parts) {
    throw new BrainError("bad_input", `${what} "${value}" is not a time.`, { hint: ISO_HINT });
  }
  checkCalendar(parts, value, what);
  // Date.parse reads what the pattern allows exactly as ISO 8601 says (a date alone is UTC).
  return inRange(Date.parse(text.replace(" ", "T")), value, what);
}

/** Refuses a month, day, hour, minute or second that the calendar or the clock does not have. */
function checkCalendar(parts: RegExpExecArray, value: string, what: string): void {
  const [, y, mo, d, h, mi, s] = parts.map((p) => (p === undefined ? undefined : Number(p)));
  const month = mo ?? 1;
  if (month < 1 || month > 12) throw notInCalendar(value, what, "there is no month " + String(month));
  const days = new Date(Date.UTC(y!, month, 0)).getUTCDate();
  if (d !== undefined && (d < 1 || d > days)) {
    throw notInCalendar(value, what, `${MONTHS[month - 1]} ${y} has ${days} days`);
  }
  if ((h ?? 0) > 23 || (mi ?? 0) > 59 || (s ?? 0) > 59) {
    throw notInCalendar(value, what, "hours go up to 23, minutes and seconds up to 59");
  }
}

function inRange(ms: number, value: string, what: string): number {
  if (!Number.isFinite(ms)) {
    throw new BrainError("bad_input", `${what} "${value}" is not a time.`, { hint: ISO_HINT });
  }
  const year = new Date(ms).getUTCFullYear();
  if (year < FIRST_YEAR || year > LAST_YEAR) throw outOfRange(value, what);
  return ms;
}

/**
 * The end (exclusive, Unix ms) that an `--until` stands for. A time is that instant; a date, month
 * or year alone (UTC, as `parseTime` reads it) includes all of itself: `--until 2025-03-03` keeps
 * what was captured on March 3, as a person means it, so its end is the next day's start. The
 * last day of 9999 ends past the years a time may name, which `parseTime` would refuse: it is
 * given as it is, an end nothing stored reaches.
 *
 * @example
 * untilTime("2026-03-01", "--until") // 1772409600000, the start of March 2
 */
export function untilTime(value: string | Date, what: string): number {
  const start = parseTime(value, what);
  if (typeof value !== "string") return start;
  const [, , month, day, hour] = ISO_TIME.exec(value.trim())!;
  if (hour !== undefined) return start;
  const end = new Date(start);
  if (day !== undefined) end.setUTCDate(end.getUTCDate() + 1);
  else if (month !== undefined) end.setUTCMonth(end.getUTCMonth() + 1);
  else end.setUTCFullYear(end.getUTCFullYear() + 1);
  return end.getTime();
}

function notInCalendar(value: string, what: string, why: string): BrainError {
  return new BrainError("bad_input", `${what} "${value}" is not in the calendar: ${why}.`, {
    hint: ISO_HINT,
  });
}

function outOfRange(value: string, what: string): BrainError {
  return new BrainError(
    "bad_input",
    `${what} "${value}" is outside the years ${FIRST_YEAR} to ${LAST_YEAR}.`,
    {
      hint: ISO_HINT,
    },
  );
}
