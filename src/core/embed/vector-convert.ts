import { sealBitBlocks } from "./bit-blocks.ts";
import { prepareCached, readMeta, writeMeta, type Db } from "../db/index.ts";
import { blobToVector, splitStored } from "./vector-math.ts";
import { keepsResiduals, storedParts, writeParts } from "./chunk-writes.ts";
import { getModel, listModels, type EmbeddingModel } from "./vectors.ts";

/*
 * Upkeep of the stored vectors, run by the embedder (which holds the embed lock): chunk rows from
 * before migration 014 take the compact form in place (float32 rescoring vectors from before
 * migration 012 become int8, a longer vector is split off into `chunk_heads`, the per-chunk sign
 * bits are dropped and the hash shortened: vectors.ts), the sign-bit blocks are sealed, and the pages this frees go back to the file system. Every step is a short
 * transaction: searches keep working (rescoring reads either format), captures wait a few ms at
 * most, and a killed process leaves only whole steps behind, so the next pass resumes.
 */
/**
 * Rows converted per transaction, so a capture never waits long behind one: each row is deleted
 * and written again with its indexes (about 15 ms a page at 100k chunks on a busy 2-core machine).
 */
export const CONVERT_PAGE = 128;

/**
 * Set in `meta` once every chunk row is compact: every row written since is compact too. (Migration
 * 012's conversion to int8 set `vectors_int8`; a database with only that converts again.)
 */
const CONVERTED_KEY = "vectors_compact";

/**
 * Rewrites every chunk row of every model not yet in the compact form (int8, split, no bits).
 * Returns how many it converted. Once done it says so in `meta` (a backup restored from before
 * carries no such row, and converts).
 */
export function convertVectors(
  db: Db,
  options: { page?: number; onPage?: (converted: number) => void } = {},
): number {
  if (readMeta(db, CONVERTED_KEY) !== undefined) return 0;
  let converted = 0;
  for (const model of listModels(db)) {
    let after = 0;
    for (;;) {
      const page = db
        .transaction(() => convertPage(db, model, after, options.page ?? CONVERT_PAGE))
        .immediate();
      if (page.rows === 0) break;
      converted += page.rows;
      after = page.lastId;
      options.onPage?.(converted);
    }
    if (after > 0) sealBitBlocks(db, model);
  }
  writeMeta(db, CONVERTED_KEY, "1");
  return converted;
}

interface OldRow {
  id: number;
  entry_id: number;
  seq: number;
  hash: string;
  start: number;
  end: number;
  vector: Buffer;
}

function convertPage(
  db: Db,
  model: EmbeddingModel,
  after: number,
  page: number,
): { rows: number; lastId: number } {
  // A row from before 014 has its sign bits; length() of a BLOB is read from the record header.
  const rows = prepareCached<[number, number, number], OldRow>(
    db,
    `SELECT id, entry_id, seq, hash, start, end, vector FROM chunks
     WHERE model_id = ? AND id > ? AND length(bits) > 0 ORDER BY id LIMIT ?`,
  ).all(model.id, after, page);
  // Deleted and inserted again under the same ids, not updated: SQLite merges pages a delete
  // leaves underfull, but leaves a row that shrank in place on its page (measured at 100k: the
  // rows took the same 130 MB after an UPDATE). The delete drops the rows' bit block, sealed
  // again when the model is done.
  const remove = prepareCached(db, "DELETE FROM chunks WHERE id = ?");
  for (const row of rows) remove.run(row.id);
  const insert = prepareCached(
    db,
    `INSERT INTO chunks(id, entry_id, model_id, seq, hash, start, end, bits, vector)
     VALUES (?, ?, ?, ?, substr(?, 1, 16), ?, ?, x'', ?)`,
  );
  // A float32 vector (from before migration 012) still has what int8 rounds away: it keeps its
  // residual when the model is past residualsFrom, as it would if it were embedded now.
  const residuals = keepsResiduals(db, model);
  for (const row of rows) {
    const float32 = row.vector.byteLength === model.dimensions * 4;
    const parts = float32
      ? storedParts(blobToVector(row.vector), residuals)
      : { ...splitStored(row.vector), residual: null };
    insert.run(row.id, row.entry_id, model.id, row.seq, row.hash, row.start, row.end, parts.tail);
    writeParts(db, row.id, parts);
  }
  return { rows: rows.length, lastId: rows.length ? rows[rows.length - 1]!.id : after };
}

/** How many vectors of the model are still float32 (none once the conversion has finished). */
export function floatVectorCount(db: Db, model: EmbeddingModel): number {
  if (readMeta(db, CONVERTED_KEY) !== undefined) return 0;
  return prepareCached<[number, number], { n: number }>(
    db,
    "SELECT count(*) AS n FROM chunks WHERE model_id = ? AND length(vector) = ?",
  ).get(model.id, model.dimensions * 4)!.n;
}

/**
 * Pages freed per step of incremental vacuum (each step holds the write lock): 1 MB. Measured at
 * 100k entries with 20 MB free, steps of 2,048 pages (8 MB) took up to 46 ms each, steps of 256
 * up to 17 ms, and both 90 ms in all; a capture in another process waits for the step it meets.
 */
const VACUUM_STEP_PAGES = 256;

/**
 * Gives free pages back to the file system in short steps (`PRAGMA incremental_vacuum`), when the
 * database was made with `auto_vacuum = INCREMENTAL` (every database made since migration 010).
 * An older database is switched over once by {@link vacuumWhenQuiet}.
 */
export function reclaimSpace(db: Db): number {
  if (db.pragma("auto_vacuum", { simple: true }) !== 2) return 0;
  let freed = 0;
  for (;;) {
    const free = db.pragma("freelist_count", { simple: true }) as number;
    if (free === 0) break;
    db.pragma(`incremental_vacuum(${Math.min(free, VACUUM_STEP_PAGES)})`);
    freed += Math.min(free, VACUUM_STEP_PAGES);
  }
  // The file shrinks when the WAL is checkpointed; a passive checkpoint never waits for readers.
  if (freed > 0) db.pragma("wal_checkpoint(PASSIVE)");
  return freed;
}

/**
 * A database made before migration 010 cannot give pages back in steps: switching it to
 * incremental vacuum takes one `VACUUM`, which rewrites the file and holds the write lock while it
 * does (captures in other processes wait, within their 10 s busy timeout, rather than fail). So it
 * runs once, when a quarter or more of the file is free (after the int8 conversion, three
 * quarters are), and only at a quiet moment: no other connection committed for `quietMs`.
 * Returns whether it ran.
 */
export async function vacuumWhenQuiet(db: Db, quietMs = 2000): Promise<boolean> {
  if (db.pragma("auto_vacuum", { simple: true }) === 2) return false;
  const free = db.pragma("freelist_count", { simple: true }) as number;
  const pages = db.pragma("page_count", { simple: true }) as number;
  if (free < pages / 4 || free < 256) return false;
  const version = () => db.pragma("data_version", { simple: true }) as number;
  const before = version();
  await new Promise((resolve) => setTimeout(resolve, quietMs));
  if (version() !== before) return false;
  db.pragma("auto_vacuum = INCREMENTAL");
  db.exec("VACUUM");
  db.pragma("wal_checkpoint(TRUNCATE)");
  return true;
}

/**
 * The upkeep at the end of an embedder pass (conversion runs at its start): seals the active
 * model's bit blocks and gives freed pages back. Returns the pages freed.
 */
export function upkeepVectors(db: Db, activeModel: string | null): number {
  const model = activeModel ? getModel(db, activeModel) : null;
  if (model) sealBitBlocks(db, model);
  return reclaimSpace(db);
}
