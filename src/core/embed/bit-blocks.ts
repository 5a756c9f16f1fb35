import { prepareCached, type Db } from "../db/index.ts";
import { chunkBits } from "./stored-vectors.ts";

/**
 * Sign bits of many chunks in one row (table `bit_blocks`, migration 010), so a new process loads
 * the bit index from a few hundred rows instead of a row per chunk: at a million chunks, reading
 * the chunks one by one took longer than the whole half-second a fresh search may take.
 * A block's bits are taken from its chunks' stored vectors; only the embedder (holding the embed
 * lock) seals them.
 */
export const BLOCK_ROWS = 4096;

export interface BitBlock {
  firstId: number;
  lastId: number;
  ids: Float64Array;
  /**
   * The rows' sign bits in planes of 256 bits, as the scan keeps them (hamming.ts): bits 0-255 of
   * every row, then bits 256-511 of every row, and so on, zero-padded.
   */
  bits: Uint8Array;
}

export interface ModelRef {
  id: number;
  generation: number;
  dimensions: number;
  /** The mean the sign bits of this generation are taken around. */
  mean: Float32Array | null;
}

/** Planes of 256 bits (32 bytes) per row. */
export const planesFor = (dimensions: number) => Math.max(1, Math.ceil(dimensions / 256));

/** The usable blocks of the model (current generation), in id order. */
export function* readBlocks(db: Db, model: ModelRef): Generator<BitBlock> {
  const rows = prepareCached<
    [number, number],
    { first_id: number; last_id: number; ids: Buffer; bits: Buffer }
  >(
    db,
    `SELECT first_id, last_id, ids, bits FROM bit_blocks
     WHERE model_id = ? AND generation = ? ORDER BY first_id`,
  ).iterate(model.id, model.generation);
  for (const row of rows) {
    yield { firstId: row.first_id, lastId: row.last_id, ids: toFloat64(row.ids), bits: row.bits };
  }
}

/**
 * Brings the model's blocks up to date: drops those of an older generation, then seals every run of BLOCK_ROWS
 * chunks not in a block (and the rows between two blocks). A block's bits are taken from its
 * chunks' vectors before the write lock is taken (4,096 vectors: tens of ms); the short IMMEDIATE
 * transaction that writes it checks that its chunks are still the same ones, and takes their
 * bits again itself only when they are not. The newest chunks (fewer than BLOCK_ROWS past the
 * last block) stay unsealed; readers take their bits from the vectors. Returns how many blocks
 * were written.
 */
export function sealBitBlocks(db: Db, model: ModelRef): number {
  db.prepare("DELETE FROM bit_blocks WHERE model_id = ? AND generation != ?").run(model.id, model.generation);
  let sealed = 0;
  const bounds = db
    .prepare<
      [number],
      { first_id: number; last_id: number }
    >("SELECT first_id, last_id FROM bit_blocks WHERE model_id = ? ORDER BY first_id")
    .all(model.id);
  let after = 0;
  for (const next of [...bounds, null]) {
    const upTo = next ? next.first_id - 1 : Number.MAX_SAFE_INTEGER;
    while (after < upTo) {
      // The newest chunks stay unsealed until there are enough of them: counted first, so a pass
      // with nothing to seal does not read their vectors (1,700 of them took 40 ms at 100k).
      if (!next && chunksAfter(db, model, after) < BLOCK_ROWS) break;
      const read = chunkBits(db, model, after, upTo, BLOCK_ROWS);
      const lastId = db
        .transaction(() => sealOne(db, model, { after, upTo, bounded: next !== null }, read))
        .immediate();
      if (lastId === null) break;
      sealed++;
      after = lastId;
    }
    if (next) after = next.last_id;
  }
  return sealed;
}

/** How many of the model's chunks have ids above `after`, counted up to BLOCK_ROWS. */
function chunksAfter(db: Db, model: ModelRef, after: number): number {
  return prepareCached<[number, number, number], { n: number }>(
    db,
    "SELECT count(*) AS n FROM (SELECT 1 FROM chunks WHERE model_id = ? AND id > ? LIMIT ?)",
  ).get(model.id, after, BLOCK_ROWS)!.n;
}

/**
 * Seals the next block after `after` (up to `upTo`; a partial block only when `bounded`) from the
 * bits `read` before the transaction, or read again when its chunks changed meanwhile.
 */
function sealOne(
  db: Db,
  model: ModelRef,
  { after, upTo, bounded }: { after: number; upTo: number; bounded: boolean },
  read: { id: number; bits: Uint8Array }[],
): number | null {
  const now = prepareCached<[number, number, number, number], { id: number }>(
    db,
    "SELECT id FROM chunks WHERE model_id = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?",
  ).all(model.id, after, upTo, BLOCK_ROWS);
  const same = now.length === read.length && now.every((row, i) => row.id === read[i]!.id);
  const rows = same ? read : chunkBits(db, model, after, upTo, BLOCK_ROWS);
  if (rows.length === 0 || (rows.length < BLOCK_ROWS && !bounded)) return null;
  const planes = planesFor(model.dimensions);
  const ids = new Float64Array(rows.length);
  const bits = new Uint8Array(rows.length * planes * 32);
  rows.forEach((row, i) => {
    ids[i] = row.id;
    for (let p = 0; p < planes; p++) {
      bits.set(
        row.bits.subarray(p * 32, Math.min(row.bits.length, (p + 1) * 32)),
        (p * rows.length + i) * 32,
      );
    }
  });
  // A block ends where the next begins (or at its own last row when it is full), so blocks tile
  // the id space and a chunk written later between two blocks cannot exist (ids only grow).
  const lastId = rows.length === BLOCK_ROWS ? rows[rows.length - 1]!.id : upTo;
  db.prepare(
    "INSERT INTO bit_blocks(model_id, first_id, last_id, generation, ids, bits) VALUES (?, ?, ?, ?, ?, ?)",
  ).run(model.id, after + 1, lastId, model.generation, Buffer.from(ids.buffer), Buffer.from(bits.buffer));
  return lastId;
}

function toFloat64(blob: Buffer): Float64Array {
  if (blob.byteOffset % 8 === 0) return new Float64Array(blob.buffer, blob.byteOffset, blob.byteLength / 8);
  return new Float64Array(Uint8Array.from(blob).buffer);
}
