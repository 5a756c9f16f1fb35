import fs from "node:fs";
import path from "node:path";
import { isAlive } from "../base/index.ts";
import type { Db } from "../db/index.ts";
import {
  insertEgress,
  isRecorded,
  settleEgress,
  type EgressOutcome,
  type EgressRow,
} from "./egress-ledger.ts";

// The ledger's writes for the gate (egress.ts): strict, or queued when a read-only MCP call must
// never wait long for another process's write lock. A queued row is also appended to this
// process's spool file (`<database>-ledger/<pid>.jsonl`) before the call answers, so a server
// killed before it could write the row leaves it behind: the next process to open the database
// writes it into the ledger.

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
  /** The folder of spool files, or null (a database in memory, or no ledger). */
  private readonly spoolDir: string | null;

  constructor(db: Db, enabled: boolean, log?: (line: string) => void) {
    this.db = db;
    this.enabled = enabled;
    this.log = log ?? ((line) => process.stderr.write(`${line}\n`));
    this.spoolDir = enabled && !db.memory && !db.readonly ? `${db.name}-ledger` : null;
    if (this.spoolDir && fs.existsSync(this.spoolDir)) this.recover(this.spoolDir);
  }

  /** This process's spool file. */
  private get spool(): string {
    return path.join(this.spoolDir!, `${process.pid}.jsonl`);
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
    this.keep(row);
    this.schedule();
    return entry;
  }

  /** Appends a queued row to this process's spool file: it outlives the process (SIGKILL too). */
  private keep(row: EgressRow): void {
    if (!this.spoolDir) return;
    try {
      fs.mkdirSync(this.spoolDir, { recursive: true, mode: 0o700 });
      fs.appendFileSync(this.spool, `${JSON.stringify({ ...row, at: row.at.getTime() })}\n`, { mode: 0o600 });
    } catch (err) {
      this.log(`ledger: a queued row could not be kept on disk (${(err as Error).message})`);
    }
  }

  /**
   * Writes the rows that processes no longer running left in their spool files, then removes the
   * files. A row already in the ledger (written just before its process was killed, its file not yet
   * removed) is not written twice. A busy database leaves them for the next process.
   */
  private recover(dir: string): void {
    for (const name of fs.readdirSync(dir)) {
      const pid = Number(name.replace(/\.jsonl$/, ""));
      if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
      const file = path.join(dir, name);
      const rows = spooledRows(fs.readFileSync(file, "utf8"));
      try {
        // The write lock first: two processes recovering the same file write its rows once.
        withBusyTimeout(this.db, QUICK_WAIT_MS, () =>
          this.db
            .transaction(() => {
              for (const row of rows) if (!isRecorded(this.db, row)) insertEgress(this.db, row);
            })
            .immediate(),
        );
      } catch (err) {
        this.log(`ledger: rows left by process ${pid} could not be written yet (${(err as Error).message})`);
        continue;
      }
      fs.rmSync(file, { force: true });
    }
    removeIfEmpty(dir);
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
    if (this.pending.length === 0 && this.spoolDir) {
      fs.rmSync(this.spool, { force: true });
      removeIfEmpty(this.spoolDir);
    }
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), 20);
  }
}

/** The rows of a spool file; a line cut short by a kill mid-write is skipped. */
function spooledRows(text: string): EgressRow[] {
  const rows: EgressRow[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as Omit<EgressRow, "at"> & { at: number };
      rows.push({ ...row, at: new Date(row.at) });
    } catch {
      // Cut short: the process was killed while appending it, before its call answered.
    }
  }
  return rows;
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // Another process's spool is still there, or the folder is already gone.
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
