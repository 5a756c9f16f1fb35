import type Database from "better-sqlite3";
import { prepareCached } from "./statements.ts";

/**
 * While another connection holds the write lock, SQLite's own busy handler sleeps 1, 2, 5, 10,
 * 15, 20, 25, 25, 25, 50, 50, then 100 ms between tries, so a write that meets a run of short
 * transactions (the embedder's batches, the backup's steps) waits 33, 53, 103 or 178 ms even
 * when the lock was free again after 1 ms: the bench's longest captures beside the embedder
 * were exactly those sums. A person's write (a capture, an edit) instead tries to begin every
 * millisecond, up to the connection's busy timeout.
 */

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs `transaction` (an IMMEDIATE transaction of better-sqlite3, which takes the write lock as it
 * begins), trying again every millisecond while another connection holds the lock. The connection's
 * busy timeout is set to 0 meanwhile and put back afterwards; once begun, nothing in a transaction
 * waits for a lock (WAL: its commit needs none, and a checkpoint after it never waits).
 */
export function writePromptly<A extends unknown[], T>(
  db: Database.Database,
  transaction: (...args: A) => T,
  ...args: A
): T {
  const timeout = Number(prepareCached(db, "PRAGMA busy_timeout").pluck().get());
  const deadline = Date.now() + timeout;
  prepareCached(db, "PRAGMA busy_timeout = 0").get();
  try {
    for (;;) {
      try {
        return transaction(...args);
      } catch (err) {
        if (!isBusyAtBegin(err, db) || Date.now() >= deadline) throw err;
        Atomics.wait(pause, 0, 0, 1);
      }
    }
  } finally {
    prepareCached(db, `PRAGMA busy_timeout = ${timeout}`).get();
  }
}

/** SQLITE_BUSY from BEGIN: no transaction is open, so trying again repeats nothing. */
function isBusyAtBegin(err: unknown, db: Database.Database): boolean {
  return (err as { code?: string }).code === "SQLITE_BUSY" && !db.inTransaction;
}
