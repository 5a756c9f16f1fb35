/**
 * A consistent copy of a live database, and the checks that prove a copy whole.
 *
 * Why this way: copying the file (or checkpointing, then copying) races with writers in other
 * processes, and SQLite's backup API, left to open its own read transaction for each step,
 * restarts on every commit another process makes. Here the source connection opens a read
 * transaction, counts its rows, and then runs the backup API inside that same transaction. In WAL
 * mode a read transaction sees one fixed snapshot (the WAL up to a frame recorded when it began)
 * however many commits land after, and `sqlite3_backup_step` reads through the source
 * connection's transaction when one is open, for every step: nothing another process commits
 * meanwhile reaches the copy or restarts it. So the counts and the copied pages come from the same
 * instant, and the copy's counts must equal them exactly. (`VACUUM INTO` is also consistent, but
 * it refuses to run inside a transaction, so its counts could only be taken at another instant.)
 * Writers are never blocked: a WAL reader holds no lock a writer waits for.
 */
import fs from "node:fs";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { MMAP_BYTES, schemaVersion } from "../db/index.ts";
import { FTS_CHECK_SQL, FTS_REBUILD_SQL } from "../store/index.ts";
import { BrainError } from "../base/index.ts";

/** Row counts per ordinary table (FTS5 shadow tables included, virtual tables left out). */
export type RowCounts = Record<string, number>;

/** Native binaries to load instead of the installed packages' (as in BrainConfig.native). */
export interface NativePaths {
  betterSqlite3?: string;
  sqliteVec?: string;
}

export interface Snapshot {
  counts: RowCounts;
  schemaVersion: string;
  sqliteVersion: string;
  bytes: number;
}

/**
 * How much of the snapshot is copied between syncs. Left to SQLite, the copy is synced once at the
 * end: hundreds of MB flushed at once, and a capture's checkpoint fsync in another process waits
 * behind that flush (measured in the bench: 152 ms at 100k entries). Synced every 32 MB, as the
 * encrypted file is (createSyncingWriteStream), no flush is long.
 */
const STEP_BYTES = 32 * 1024 * 1024;

/**
 * Copies the live database at `dbPath` into `dest` (a new file) as of one instant, with the row
 * counts of that instant. Other processes keep writing meanwhile. `dest` is not yet checked: see
 * {@link checkDatabaseFile}.
 *
 * @example
 * const snap = await takeSnapshot("/data/brain.db", "/data/.backup-work/snapshot.db");
 */
export async function takeSnapshot(
  dbPath: string,
  dest: string,
  native: NativePaths = {},
  options: { stepBytes?: number } = {},
): Promise<Snapshot> {
  if (!fs.existsSync(dbPath)) throw nothingToBackUp(dbPath);
  // A new empty file, created private before SQLite writes into it; kept open to sync it.
  const destFd = fs.openSync(dest, "wx", 0o600);
  const source = new Database(dbPath, {
    readonly: true,
    fileMustExist: true,
    nativeBinding: native.betterSqlite3,
  });
  try {
    source.pragma("busy_timeout = 10000");
    source.pragma(`mmap_size = ${MMAP_BYTES}`);
    // BEGIN is deferred: the first read below starts the read transaction and fixes the snapshot.
    source.exec("BEGIN");
    const counts = countRows(source);
    const schema = schemaVersion(source);
    const sqliteVersion = (source.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
    const pageSize = source.pragma("page_size", { simple: true }) as number;
    const stepPages = Math.max(1, Math.floor((options.stepBytes ?? STEP_BYTES) / pageSize));
    await source.backup(dest, {
      progress: () => {
        fs.fdatasyncSync(destFd);
        return stepPages;
      },
    });
    return { counts, schemaVersion: schema, sqliteVersion, bytes: fs.statSync(dest).size };
  } finally {
    if (source.inTransaction) source.exec("COMMIT");
    source.close();
    fs.closeSync(destFd);
  }
}

function nothingToBackUp(dbPath: string): BrainError {
  return new BrainError(
    "not_found",
    `There is no brain database at ${dbPath}, so there is nothing to back up.`,
    {
      hint: "Capture something first (`brain capture TEXT`), or pass the right path with --db.",
    },
  );
}

/**
 * Counts the rows of every ordinary table. Virtual tables are left out: FTS5 and vec0 store their
 * data in ordinary shadow tables, which are counted.
 *
 * @example
 * countRows(db).entries; // 1234
 */
export function countRows(db: Database.Database): RowCounts {
  const tables = db
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_schema
       WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
       ORDER BY name`,
    )
    .all();
  const counts: RowCounts = {};
  for (const { name } of tables) {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    counts[name] = (db.prepare(`SELECT count(*) AS n FROM ${quoted}`).get() as { n: number }).n;
  }
  return counts;
}

/**
 * Proves a database file whole: `PRAGMA integrity_check` and (when given) row counts equal to
 * `expected`. The file is first switched to a rollback journal so it stands alone (no -wal beside
 * it); the brain turns WAL back on when it opens it. Throws BrainError `backup_invalid` naming what
 * failed.
 *
 * @example
 * checkDatabaseFile("/tmp/restored.db", manifest.counts);
 */
export function checkDatabaseFile(file: string, expected?: RowCounts, native: NativePaths = {}): RowCounts {
  makeStandalone(file, native);
  return checkStandaloneFile(file, expected, native);
}

/**
 * Switches a database copy to a rollback journal (one header write), so it needs no -wal or -shm
 * beside it and {@link checkStandaloneFile} can read it while the file is also being read
 * elsewhere. Throws BrainError `backup_invalid` when the file is not a database.
 */
export function makeStandalone(file: string, native: NativePaths = {}): void {
  withCopy(file, native, (db) => {
    db.pragma("journal_mode = DELETE");
  });
}

/**
 * The checks of {@link checkDatabaseFile} on a file {@link makeStandalone} prepared. They write
 * nothing (the file's bytes stay the same), so they can run while the file is being encrypted.
 *
 * `integrity_check` reads every page of every table and index, checks that each index holds
 * exactly its table's rows and that no page is used twice or lost, and runs FTS5's own check of
 * the keyword index's structure. It does not compare the keyword index with the text it was made
 * from: that is {@link checkKeywordIndex}, which a backup leaves out (see there).
 */
export function checkStandaloneFile(file: string, expected?: RowCounts, native: NativePaths = {}): RowCounts {
  return withCopy(file, native, (db) => {
    db.loadExtension(native.sqliteVec ?? sqliteVec.getLoadablePath());
    const problems = db.pragma("integrity_check", { simple: false }) as { integrity_check: string }[];
    const first = problems[0]?.integrity_check;
    if (problems.length !== 1 || first !== "ok") {
      throw invalid(`The database copy failed SQLite's integrity check: ${first ?? "no answer"}.`);
    }
    const counts = countRows(db);
    if (expected) compareCounts(counts, expected);
    return counts;
  });
}

/**
 * What a copy's keyword index was found to be: made from exactly its text, not (`differs`), or
 * not and then made again from the text (`rebuilt`).
 */
export type KeywordIndexState = "matches" | "differs" | "rebuilt";

/**
 * Compares the keyword index (FTS5) of a copy with the text it indexes: FTS5's 'integrity-check'
 * with rank 1 reads the whole index and tokenises every entry again (about 1 s at 100k entries).
 * With `rebuild`, an index that differs is made again from the text, committed to the copy.
 *
 * A backup does not run this: the index is derived from the text, a copy whose index differs is
 * still the person's whole data, and a restore rebuilds it. Refusing the backup would leave no
 * new backup at all until someone repaired the live index, which `brain doctor` checks and says
 * how to rebuild. (It was a backup's second check until the 100k bench showed it is half of the
 * checks' CPU, with the index read twice: once here, once by integrity_check's FTS5 check.)
 *
 * The check is an INSERT, a write statement that changes nothing: it runs in a transaction that
 * is rolled back, so it never waits for the file's exclusive lock behind another reader.
 */
export function checkKeywordIndex(
  file: string,
  native: NativePaths = {},
  options: { rebuild?: boolean } = {},
): KeywordIndexState {
  return withCopy(file, native, (db) => {
    let state: KeywordIndexState = "matches";
    db.exec("BEGIN");
    try {
      db.exec(FTS_CHECK_SQL);
    } catch (err) {
      if (!(err instanceof Database.SqliteError && err.code.startsWith("SQLITE_CORRUPT"))) throw err;
      state = "differs";
    } finally {
      if (db.inTransaction) db.exec("ROLLBACK");
    }
    if (state === "differs" && options.rebuild) {
      db.exec(FTS_REBUILD_SQL);
      return "rebuilt";
    }
    return state;
  });
}

/** Opens a database copy for checking, runs `use`, closes it; any failure is `backup_invalid`. */
function withCopy<T>(file: string, native: NativePaths, use: (db: Database.Database) => T): T {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true, nativeBinding: native.betterSqlite3 });
  } catch (err) {
    throw invalid(`The database copy could not be opened: ${String(err)}`, err);
  }
  try {
    // Reading through a memory map instead of copying every page: integrity_check of a 540 MB
    // copy went from 1.7-2.1 s to 1.3-1.4 s.
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    // A copy being checked is not yet anything to keep: whoever keeps it syncs it (restore's
    // commitFile; a backup encrypts it and syncs the result). Syncing here would flush hundreds of
    // MB at once, and other processes' commits wait behind such a flush.
    db.pragma("synchronous = OFF");
    return use(db);
  } catch (err) {
    if (err instanceof BrainError) throw err;
    throw invalid(`The database copy could not be checked: ${String(err)}`, err);
  } finally {
    db.close();
  }
}

function compareCounts(actual: RowCounts, expected: RowCounts): void {
  const names = [...new Set([...Object.keys(actual), ...Object.keys(expected)])].sort();
  const diffs = names
    .filter((name) => actual[name] !== expected[name])
    .map((name) => `${name}: ${actual[name] ?? "missing"} instead of ${expected[name] ?? "none"}`);
  if (diffs.length > 0) throw invalid(`The database copy's row counts differ: ${diffs.join("; ")}.`);
}

function invalid(message: string, cause?: unknown): BrainError {
  return new BrainError("backup_invalid", message, {
    hint: "Do not rely on this copy: take a new backup (`brain backup`) or restore another (`brain backup list`).",
    cause,
  });
}
