import { prepareCached, type Db } from "../db/index.ts";
import { entryHash } from "../store/index.ts";
import { encodeResidual, writeResidual } from "./residuals.ts";
import { chunkCount } from "./stored-vectors.ts";
import { encodeInt8, splitStored } from "./vector-math.ts";

/*
 * Writing an entry's chunk vectors: the int8 form, split when long (`chunk_heads`), and the
 * residual a large brain keeps (`chunk_residuals`). The embedder and the conversion of older rows
 * write through these.
 */

/** One chunk of an entry's text (its place in it) and its vector, as the embedder made it. */
export interface ChunkVector {
  seq: number;
  start: number;
  end: number;
  vector: Float32Array;
}

/** What writing needs of a model (vectors.ts `EmbeddingModel`). */
interface WrittenModel {
  id: number;
  residualsFrom: number;
}

/**
 * Replaces an entry's vectors for the model, unless its text changed since it was embedded
 * (then it is left for the next pass and `false` is returned). Call inside a write transaction.
 */
export function writeEntryVectors(
  db: Db,
  model: WrittenModel,
  entryId: number,
  hash: string,
  chunks: ChunkVector[],
): boolean {
  if (entryHash(db, entryId) !== hash) return false;
  prepareCached(db, "DELETE FROM chunks WHERE entry_id = ? AND model_id = ?").run(entryId, model.id);
  const insert = prepareCached(
    db,
    `INSERT INTO chunks(entry_id, model_id, seq, hash, start, end, bits, vector) VALUES (?, ?, ?, ?, ?, ?, x'', ?)`,
  );
  const residuals = keepsResiduals(db, model);
  for (const chunk of chunks) {
    const parts = storedParts(chunk.vector, residuals);
    const id = insert.run(
      entryId,
      model.id,
      chunk.seq,
      hash.slice(0, CHUNK_HASH_CHARS),
      chunk.start,
      chunk.end,
      parts.tail,
    ).lastInsertRowid;
    writeParts(db, id, parts);
  }
  return true;
}

/** Whether a chunk written now keeps its residual: once the model holds `residualsFrom` chunks. */
export function keepsResiduals(db: Db, model: WrittenModel): boolean {
  return chunkCount(db, model) >= model.residualsFrom;
}

/** A vector in its stored parts: int8, split (vector-math.ts, HEAD_BYTES), and its residual if kept. */
export function storedParts(
  vector: Float32Array,
  residual: boolean,
): { head: Buffer | null; tail: Buffer; residual: Buffer | null } {
  const stored = encodeInt8(vector);
  return { ...splitStored(stored), residual: residual ? encodeResidual(vector, stored) : null };
}

/** Writes the parts of a chunk's vector kept beside its `chunks` row (written first). */
export function writeParts(
  db: Db,
  chunkId: number | bigint,
  parts: { head: Buffer | null; residual: Buffer | null },
): void {
  if (parts.head) writeHead(db, chunkId, parts.head);
  if (parts.residual) writeResidual(db, chunkId, parts.residual);
}

/** Characters of the text's hash a chunk keeps: enough to tell that the text changed. */
const CHUNK_HASH_CHARS = 16;

/** Stores the first part of a split vector (vector-math.ts, HEAD_BYTES). */
function writeHead(db: Db, chunkId: number | bigint, head: Buffer): void {
  prepareCached(db, "INSERT OR REPLACE INTO chunk_heads(id, head) VALUES (?, ?)").run(chunkId, head);
}
