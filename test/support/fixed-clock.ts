import type { Clock } from "../../src/core/base/ports.ts";

/** A clock that only moves when told to. */
export class FixedClock implements Clock {
  private ms: number;

  constructor(start: string | number = "2026-03-01T09:00:00Z") {
    this.ms = typeof start === "number" ? start : Date.parse(start);
  }

  now = (): Date => new Date(this.ms);

  advance(ms: number): void {
    this.ms += ms;
  }

  set(time: string | number): void {
    this.ms = typeof time === "number" ? time : Date.parse(time);
  }
}
