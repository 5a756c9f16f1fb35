import type { Db } from "../db/index.ts";
import { insertEgress, settleEgress, type EgressOutcome, type EgressRow } from "./egress-ledger.ts";

// The ledger's writes for the gate (egress.ts): strict, or queued when a read-only MCP call must
// never wait long for another process's write lock.

/** How long a queued egress waits for another process's write lock before queueing its row. */
const QUICK_WAIT_MS = 200;

/** A ledger row as written, or as waiting to be: its id once it is in. */
export interface QueuedRow {
  row: EgressRow;
  id?: number;
}

/** Writes ledger rows; in queue mode a busy database never stalls or fails the caller. */
export class LedgerWriter {
  private readonly pending: QueuedRow[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly db: Db;
  private readonly enabled: boolean;
  private readonly log: (line: string) => void;

  constructor(db: Db, enabled: boolean, log?: (line: string) => void) {
    this.db = db;
    this.enabled = enabled;
    this.log = log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  get queued(): number {
    return this.pending.length;
  }

  write(row: EgressRow, queue: boolean): QueuedRow {
    const entry: QueuedRow = { row };
    if (!this.enabled) return entry;
    if (!queue) {
      entry.id = insertEgress(this.db, row);
      return entry;
    }
    if (this.pending.length === 0) {
      try {
        entry.id = withBusyTimeout(this.db, QUICK_WAIT_MS, () => insertEgress(this.db, row));
        return entry;
      } catch {
        // Another process holds the write lock (or the write failed): written after the reply.
      }
    }
    this.pending.push(entry);
    this.schedule();
    return entry;
  }

  settle(entry: QueuedRow, outcome: EgressOutcome): void {
    entry.row = { ...entry.row, outcome };
    if (this.enabled && entry.id !== undefined) settleEgress(this.db, entry.id, outcome);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0 && this.db.open) {
      const entry = this.pending[0]!;
      try {
        entry.id = insertEgress(this.db, entry.row);
      } catch (err) {
        this.log(`ledger: a row could not be written yet (${(err as Error).message}); retrying`);
        this.schedule();
        return;
      }
      this.pending.shift();
    }
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), 20);
  }
}

/** Runs `fn` with a shorter busy timeout, restoring the connection's own after. */
function withBusyTimeout<T>(db: Db, ms: number, fn: () => T): T {
  const saved = db.pragma("busy_timeout", { simple: true }) as number;
  db.pragma(`busy_timeout = ${ms}`);
  try {
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${saved}`);
  }
}
