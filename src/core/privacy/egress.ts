import type { Db } from "../db/index.ts";
import type { EgressOutcome, EgressRow } from "./egress-ledger.ts";
import { isBrainError, type Clock, type RequestOptions } from "../base/index.ts";
import type { Destination } from "./destination.ts";
import { LedgerWriter, type QueuedRow } from "./ledger-writer.ts";

/**
 * The privacy gate: every byte of memory text that leaves the process towards something that may
 * not be on this machine passes here. A caller opens one {@link Egress} per outgoing message (a
 * tool result, a model request, an embedding batch), lets the memories it wants to send through
 * `pass` (which withholds #private ones from every destination but `local`), and calls `send`
 * with the bytes just before they go: that writes the ledger row. See ARCHITECTURE.md, "Privacy
 * gate", for the roads wired through it.
 */

export type { Destination, EgressClass } from "./destination.ts";

/** The tag that keeps an entry on this machine. */
export const PRIVATE_TAG = "private";

/** True when the entry is tagged #private or #private/anything. */
export function isPrivate(entry: { tags: readonly string[] }): boolean {
  return entry.tags.some((tag) => tag === PRIVATE_TAG || tag.startsWith(`${PRIVATE_TAG}/`));
}

/** True when the entry's text may go to the destination. */
export function mayPass(destination: Destination, entry: { tags: readonly string[] }): boolean {
  return destination.class === "local" || destination.includePrivate === true || !isPrivate(entry);
}

/**
 * What a destination is told about what was held back: a count, never text.
 *
 * @example
 * withheldNotice(2) // "2 private memories withheld."
 */
export function withheldNotice(count: number): string {
  return `${count} private ${count === 1 ? "memory" : "memories"} withheld.`;
}

/** One outgoing message through the gate. */
export interface Egress {
  readonly destination: Destination;
  /**
   * The items whose text may go, in order; the others are counted in `withheld`. Entries that pass
   * are the ones the ledger row names, so pass only what is about to be sent.
   */
  pass<T extends { id: number; tags: readonly string[] }>(items: readonly T[]): T[];
  /**
   * Like `pass`, but records nothing as sent: for a pool the caller will choose from (then `pass`
   * what it chose). Withheld items are counted.
   */
  screen<T extends { tags: readonly string[] }>(items: readonly T[]): T[];
  /** Whether an entry may go, without counting it (for labels drawn from several entries). */
  allows(entry: { tags: readonly string[] }): boolean;
  /** How many entries `pass` held back. */
  readonly withheld: number;
  /** The ids of the entries that passed, in order, without repeats. */
  readonly entryIds: readonly number[];
  /**
   * Records the message (its size in bytes) before it leaves. For `local` nothing is recorded.
   * A strict egress throws when the row cannot be written (then nothing may be sent); a queued
   * one never throws: a row that meets another process's write lock is written after the reply.
   */
  send(bytes: number): void;
  /**
   * Records the same message sent once more (a model adapter's retry): the row so far is settled
   * `failed` (it was refused, or its answer was unusable), and a row like it, with the time of the
   * retry, is written before the retry leaves; `settle` then settles that one. Each request that
   * carries memory text has its own row, so the ledger's calls and bytes are what was sent.
   */
  resend(): void;
  /** The outcome once known (a model's answer came back, failed or was cancelled). */
  settle(outcome: EgressOutcome): void;
}

/**
 * Waits for the reply to what `out` sent and settles its ledger row by the outcome: `answered`,
 * `cancelled` (a BrainError "cancelled") or `failed`; the reply or the error is passed on.
 *
 * @example
 * const value = await settleWith(out, model.generate(request));
 */
export async function settleWith<T>(out: Egress, reply: Promise<T>): Promise<T> {
  try {
    const value = await reply;
    out.settle("answered");
    return value;
  } catch (err) {
    out.settle(isBrainError(err, "cancelled") ? "cancelled" : "failed");
    throw err;
  }
}

/**
 * The options of a model request sent for `out`: the signal, and `onResend` wired to
 * {@link Egress.resend}, so a request the adapter sends again is recorded again.
 *
 * @example
 * const value = await settleWith(out, model.generate(request, requestOptions(out, signal)));
 */
export function requestOptions(out: Egress, signal?: AbortSignal): RequestOptions {
  return { signal, onResend: () => out.resend() };
}

export interface OpenOptions {
  /** Never fail or stall the caller on the ledger write (read-only MCP calls). */
  queue?: boolean;
  /** Kept with the row, e.g. "private included (--include-private)". */
  note?: string;
}

export interface EgressGate {
  /**
   * Opens one egress towards `destination` for `subject` (the question, the tool call).
   *
   * @example
   * const out = brain.egress.open({ class: "assistant", road: "raycast-ai", name: "Raycast AI" }, "search billing");
   * const shown = out.pass(results);
   * const text = render(shown, out.withheld);
   * out.send(Buffer.byteLength(text));
   */
  open(destination: Destination, subject: string, options?: OpenOptions): Egress;
  /** Writes the rows still queued, waiting for the lock as long as the busy timeout allows. */
  flush(): void;
  /** Rows waiting to be written. */
  readonly queued: number;
}

/**
 * The gate of one Brain. `ledger: false` is for the benchmark's comparison only.
 *
 * @example
 * const gate = createEgressGate(db, systemClock);
 */
export function createEgressGate(
  db: Db,
  clock: Clock,
  options: { ledger?: boolean; log?: (line: string) => void } = {},
): EgressGate {
  const writer = new LedgerWriter(db, options.ledger !== false, options.log);
  return {
    open: (destination, subject, open = {}) => new GateEgress(writer, clock, destination, subject, open),
    flush: () => writer.flush(),
    get queued() {
      return writer.queued;
    },
  };
}

class GateEgress implements Egress {
  readonly destination: Destination;
  withheld = 0;
  private readonly ids: number[] = [];
  private readonly seen = new Set<number>();
  private row: QueuedRow | null = null;
  private readonly writer: LedgerWriter;
  private readonly clock: Clock;
  private readonly subject: string;
  private readonly options: OpenOptions;

  constructor(
    writer: LedgerWriter,
    clock: Clock,
    destination: Destination,
    subject: string,
    options: OpenOptions,
  ) {
    this.writer = writer;
    this.clock = clock;
    this.destination = destination;
    this.subject = subject;
    this.options = options;
  }

  get entryIds(): readonly number[] {
    return this.ids;
  }

  pass<T extends { id: number; tags: readonly string[] }>(items: readonly T[]): T[] {
    const out = this.screen(items);
    for (const item of out) {
      if (this.seen.has(item.id)) continue;
      this.seen.add(item.id);
      this.ids.push(item.id);
    }
    return out;
  }

  screen<T extends { tags: readonly string[] }>(items: readonly T[]): T[] {
    const out = items.filter((item) => mayPass(this.destination, item));
    this.withheld += items.length - out.length;
    return out;
  }

  allows(entry: { tags: readonly string[] }): boolean {
    return mayPass(this.destination, entry);
  }

  send(bytes: number): void {
    const { destination: d } = this;
    if (d.class === "local" || this.row) return;
    const note =
      this.options.note ?? (d.includePrivate ? "private included by the person's choice" : undefined);
    const row: EgressRow = {
      at: this.clock.now(),
      road: d.road,
      class: d.class,
      destination: d.name,
      subject: this.subject,
      entryIds: [...this.ids],
      withheld: this.withheld,
      bytes: Math.max(0, Math.round(bytes)),
      outcome: "sent",
      note,
    };
    this.row = this.writer.write(row, this.options.queue === true);
  }

  resend(): void {
    // Nothing was recorded (this machine, or not sent yet): nothing to repeat.
    if (!this.row) return;
    this.writer.settle(this.row, "failed");
    const again: EgressRow = { ...this.row.row, at: this.clock.now(), outcome: "sent" };
    this.row = this.writer.write(again, this.options.queue === true);
  }

  settle(outcome: EgressOutcome): void {
    if (this.row) this.writer.settle(this.row, outcome);
  }
}
