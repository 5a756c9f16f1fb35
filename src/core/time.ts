import { BrainError } from "./errors.ts";

/**
 * Parses a time given by a person or a file (ISO 8601, a date, or a Date) into Unix ms.
 *
 * @example
 * parseTime("2026-03-01", "--at") // 1772323200000
 */
export function parseTime(value: string | Date, what: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value.trim());
  if (!Number.isFinite(ms)) {
    throw new BrainError("bad_input", `${what} "${String(value)}" is not a time.`, {
      hint: "Use an ISO 8601 time such as 2026-03-01 or 2026-03-01T09:30:00Z.",
    });
  }
  return ms;
}
