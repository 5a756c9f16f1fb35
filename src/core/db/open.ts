import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { BrainError, makeDirs } from "../base/index.ts";
import { migrate } from "./migrations.ts";

export type Db = Database.Database;

export interface OpenOptions {
  /** A prebuilt better-sqlite3 binary to load (Raycast passes the one in its assets). */
  nativeBinding?: string;
  /** sqlite-vec's loadable extension (Raycast passes the one in its assets). */
  sqliteVecPath?: string;
  /** Open without creating or migrating; fails if the file is missing. */
  readonly?: boolean;
  /** How long a writer waits for another process's lock before giving up, in ms. */
  busyTimeoutMs?: number;
}

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

/**
 * Opens (or creates) a brain database: WAL, a busy timeout, foreign keys, memory-mapped reads,
 * sqlite-vec loaded, migrations applied. A new file is created 0600 in a 0700 folder; an existing
 * file that is empty or not SQLite is refused rather than replaced by an empty brain.
 *
 * @example
 * const db = openDatabase("/tmp/brain.db");
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const dbPath = path.resolve(file);
  const exists = checkExistingFile(dbPath);
  if (!exists) {
    if (options.readonly) {
      throw new BrainError("not_found", `There is no brain database at ${dbPath}.`, {
        hint: "Capture something first (`brain capture TEXT`), or pass the right path with --db.",
      });
    }
    createDatabaseFile(dbPath, options);
  }
  let db: Db;
  try {
    db = new Database(dbPath, {
      readonly: options.readonly ?? false,
      fileMustExist: true,
      nativeBinding: options.nativeBinding,
    });
  } catch (err) {
    throw new BrainError("database_error", `Could not open the database at ${dbPath}: ${String(err)}`, {
      hint: "Check the file's permissions, or pass another path with --db.",
      cause: err,
    });
  }
  try {
    configure(db, options);
    if (!options.readonly) migrate(db);
  } catch (err) {
    db.close();
    if (err instanceof BrainError) throw err;
    if (isNotADatabase(err)) throw notADatabase(dbPath, err);
    throw new BrainError("database_error", `Could not prepare the database at ${dbPath}: ${String(err)}`, {
      cause: err,
    });
  }
  return db;
}

/**
 * The memory map every connection (and the backup's snapshot) reads through: the most this SQLite
 * build allows (MAX_MMAP_SIZE, 2 GB), so a brain of a million chunks (2.2 GB) is read almost all
 * through it. Memory-mapped reads make full vector scans 3-7x faster than read() through the page
 * cache, and rescoring's seeks at a million chunks about 40% faster than with 1 GB mapped (the
 * vectors lie at the end of the file, past the first GB).
 */
export const MMAP_BYTES = 0x7fff0000;

function configure(db: Db, options: OpenOptions): void {
  // busy_timeout first: everything after may need a lock another process holds.
  db.pragma(`busy_timeout = ${Math.max(5000, options.busyTimeoutMs ?? 10_000)}`);
  if (!options.readonly) {
    // WAL lets Raycast, the CLI, the MCP server and the jobs read while one of them writes.
    db.pragma("journal_mode = WAL");
    // NORMAL is durable across application crashes in WAL mode; only power loss can drop the last commits.
    db.pragma("synchronous = NORMAL");
  }
  db.pragma("foreign_keys = ON");
  db.pragma(`mmap_size = ${MMAP_BYTES}`);
  db.pragma("cache_size = -32000");
  db.pragma("temp_store = MEMORY");
  loadVectorExtension(db, options.sqliteVecPath);
  // Reading the schema is what fails on a file that is not SQLite.
  db.prepare("SELECT count(*) FROM sqlite_schema").get();
}

/** Whether sqlite-vec loaded into a connection, and if not, why. */
export interface VectorExtension {
  loaded: boolean;
  /** Why it could not load (e.g. a macOS older than the binary's minimum). */
  error?: string;
}

const vectorExtensions = new WeakMap<Db, VectorExtension>();

/**
 * Whether sqlite-vec is loaded in this connection. When it is not, the database still opens,
 * keyword search works, and meaning search uses a slower built-in cosine instead.
 *
 * @example
 * vectorExtension(brain.db); // { loaded: false, error: "dlopen(…): … built for macOS 14.0" }
 */
export function vectorExtension(db: Db): VectorExtension {
  return vectorExtensions.get(db) ?? { loaded: false, error: "sqlite-vec was never loaded." };
}

/**
 * Loads sqlite-vec. Its prebuilt binaries need a recent macOS (14.0 on arm64, 15.0 on x64); when
 * loading fails, the one function the store uses from it, `vec_distance_cosine`, is provided in
 * JavaScript (same result, slower), and the reason is kept for Status and `brain status`.
 */
function loadVectorExtension(db: Db, file: string | undefined): void {
  try {
    db.loadExtension(file ?? sqliteVec.getLoadablePath());
    vectorExtensions.set(db, { loaded: true });
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    vectorExtensions.set(db, { loaded: false, error });
    db.function("vec_distance_cosine", { deterministic: true }, cosineDistance);
  }
}

/** 1 - cosine similarity of two float32 BLOBs, as sqlite-vec's `vec_distance_cosine`. */
function cosineDistance(a: unknown, b: unknown): number {
  const x = floats(a);
  const y = floats(b);
  if (x.length !== y.length) throw new Error("vec_distance_cosine: vectors of different lengths");
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i++) {
    dot += x[i]! * y[i]!;
    nx += x[i]! * x[i]!;
    ny += y[i]! * y[i]!;
  }
  return 1 - dot / (Math.sqrt(nx) * Math.sqrt(ny));
}

function floats(blob: unknown): Float32Array {
  if (!Buffer.isBuffer(blob)) throw new Error("vec_distance_cosine: a vector must be a float32 BLOB");
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer, 0, Math.floor(blob.byteLength / 4));
}

/** Returns whether the file exists; throws when it exists but is not a usable SQLite database. */
function checkExistingFile(dbPath: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dbPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new BrainError("database_error", `Could not read ${dbPath}: ${String(err)}`, { cause: err });
  }
  if (stat.isDirectory()) {
    throw new BrainError("not_a_database", `${dbPath} is a folder, not a brain database.`, {
      hint: "Pass the path of a .db file with --db.",
    });
  }
  if (stat.size === 0) throw notADatabase(dbPath, undefined, "is empty (0 bytes)");
  const head = Buffer.alloc(16);
  const fd = fs.openSync(dbPath, "r");
  try {
    fs.readSync(fd, head, 0, 16, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (!head.equals(SQLITE_MAGIC)) throw notADatabase(dbPath);
  return true;
}

/**
 * Builds a new database under a temporary name and links it into place, so the final name only
 * ever holds an initialised SQLite file: a second process starting at the same moment either
 * finds nothing or a whole database, never the 0-byte file that would be refused as broken.
 */
function createDatabaseFile(dbPath: string, options: OpenOptions): void {
  const dir = path.dirname(dbPath);
  makeDirs(dir, 0o700);
  const tmp = `${dbPath}.${process.pid}.${Date.now().toString(36)}.new`;
  try {
    fs.closeSync(fs.openSync(tmp, "wx", 0o600));
    const db = new Database(tmp, { nativeBinding: options.nativeBinding });
    try {
      // Set before the first table: lets the embedder give freed pages back in short steps
      // (vector-convert.ts, reclaimSpace). An existing database keeps the mode it was made with.
      db.pragma("auto_vacuum = INCREMENTAL");
      configure(db, options);
      migrate(db);
    } finally {
      db.close();
    }
    fs.linkSync(tmp, dbPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EEXIST") {
      throw new BrainError("database_error", `Could not create the database at ${dbPath}: ${String(err)}`, {
        hint: "Check that the folder is writable, or pass another path with --db.",
        cause: err,
      });
    }
  } finally {
    for (const leftover of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(leftover, { force: true });
  }
}

function isNotADatabase(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT";
}

function notADatabase(dbPath: string, cause?: unknown, what = "is not a SQLite database"): BrainError {
  return new BrainError("not_a_database", `${dbPath} ${what}, so it was not opened.`, {
    hint: "Restore it from a backup (`brain backup list`, `brain restore FILE --to PATH`), or pass another path with --db.",
    cause,
  });
}
