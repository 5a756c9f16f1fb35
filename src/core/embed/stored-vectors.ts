import { prepareCached, type Db } from "../db/index.ts";
import { HEADS_JOIN, signBits, STORED_SQL, storedToVector } from "./vector-math.ts";

/** The stored vectors (either form, a split one joined) of chunks with after < id <= upTo, in id order. */
export function storedVectors(
  db: Db,
  modelId: number,
  after: number,
  upTo: number,
  limit: number,
): { id: number; stored: Buffer }[] {
  return prepareCached<[number, number, number, number], { id: number; stored: Buffer }>(
    db,
    `SELECT c.id, ${STORED_SQL} AS stored FROM chunks c ${HEADS_JOIN}
     WHERE c.model_id = ? AND c.id > ? AND c.id <= ? ORDER BY c.id LIMIT ?`,
  ).all(modelId, after, upTo, limit);
}

/**
 * Sign bits of the chunks with after < id <= upTo (at most `limit`), in id order, taken from
 * their stored vectors around the model's mean: what the scan uses for chunks not in a sealed
 * block, and what a block is sealed from. Since migration 014 no bits are stored per chunk.
 */
export function chunkBits(
  db: Db,
  model: { id: number; dimensions: number; mean: Float32Array | null },
  after: number,
  upTo: number,
  limit = Number.MAX_SAFE_INTEGER,
): { id: number; bits: Uint8Array }[] {
  return storedVectors(db, model.id, after, upTo, limit).map(({ id, stored }) => ({
    id,
    bits: signBits(storedToVector(stored, model.dimensions), model.mean),
  }));
}

/** How many chunks the model has (kept by triggers, migration 015): the bit index is re-centred as this grows. */
export function chunkCount(db: Db, model: { id: number }): number {
  return (
    prepareCached<[number], { n: number }>(
      db,
      "SELECT chunk_count AS n FROM embedding_models WHERE id = ?",
    ).get(model.id)?.n ?? 0
  );
}

/** The model's newest chunk id (0 when it has none): one seek on (model_id, id). */
export function maxChunkId(db: Db, modelId: number): number {
  return (
    prepareCached<[number], { max: number | null }>(
      db,
      "SELECT max(id) AS max FROM chunks WHERE model_id = ?",
    ).get(modelId)!.max ?? 0
  );
}
