import { prepareCached, type Db } from "../db/index.ts";
import { int8Bytes, int8Scales } from "./vector-math.ts";

/*
 * Residuals: what the int8 form (vector-math.ts) rounded away, kept for the chunks a large brain
 * stores. int8 moves a cosine by about 1e-4, and at a million chunks of the bench's vectors (about
 * 500 notes a sub-topic) the 10th and 11th nearest are closer than that: recall@10 against exact
 * float32 is 0.970 with int8 alone. RESIDUAL_BITS more bits a component, read only for the best
 * candidates of a search, bring it to 0.995 (ARCHITECTURE.md, "Residuals for a large brain"). A model's chunks keep
 * them once it holds `embedding_models.residuals_from` chunks (100,000: migration 018); below
 * that int8 alone keeps recall@10 at 0.99 or more, and the bytes are left out.
 */

/** Bits a component of a residual: a step of the int8 form split into 2^RESIDUAL_BITS. */
export const RESIDUAL_BITS = 2;

const LEVELS = 1 << RESIDUAL_BITS;
const PER_BYTE = 8 / RESIDUAL_BITS;
/** The middle of each level, in steps of the int8 form: what a residual code stands for. */
const MIDDLES = Float64Array.from({ length: LEVELS }, (_, code) => (code + 0.5) / LEVELS - 0.5);

/** Bytes of a residual of a vector of `dimensions` components. */
export const residualBytes = (dimensions: number) => Math.ceil(dimensions / PER_BYTE);

/**
 * The residual of `v` against its int8 form `stored` (encodeInt8 of the same vector): each
 * component's rounding, in steps of its block's scale (within ±0.5), split into LEVELS levels.
 */
export function encodeResidual(v: Float32Array, stored: Uint8Array): Buffer {
  const d = v.length;
  const q = new Int8Array(stored.buffer, stored.byteOffset, d);
  const { block, scales } = int8Scales(stored, d);
  const out = Buffer.alloc(residualBytes(d));
  for (let i = 0; i < d; i++) {
    const scale = scales[(i / block) | 0]!;
    const rounding = scale > 0 ? v[i]! / scale - q[i]! : 0;
    const code = Math.max(0, Math.min(LEVELS - 1, Math.floor((rounding + 0.5) * LEVELS)));
    out[(i / PER_BYTE) | 0]! |= code << ((i % PER_BYTE) * RESIDUAL_BITS);
  }
  return out;
}

/**
 * Cosine of a unit-length query to a stored int8 vector with its residual added back. Only
 * today's int8 form has residuals (they are written with it); any other form is scored without.
 */
export function cosineWithResidual(
  query: Float32Array,
  stored: Uint8Array,
  residual: Uint8Array,
  dimensions: number,
): number {
  if (stored.byteLength !== int8Bytes(dimensions) || residual.byteLength !== residualBytes(dimensions)) {
    return Number.NaN;
  }
  const q = new Int8Array(stored.buffer, stored.byteOffset, dimensions);
  const { block, scales } = int8Scales(stored, dimensions);
  let dot = 0;
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    const code = (residual[(i / PER_BYTE) | 0]! >> ((i % PER_BYTE) * RESIDUAL_BITS)) & (LEVELS - 1);
    const x = (q[i]! + MIDDLES[code]!) * scales[(i / block) | 0]!;
    dot += query[i]! * x;
    norm += x * x;
  }
  return norm > 0 ? dot / Math.sqrt(norm) : 0;
}

/** Stores a chunk's residual (the chunk's row is written first: the residual references it). */
export function writeResidual(db: Db, chunkId: number | bigint, residual: Buffer): void {
  prepareCached(db, "INSERT OR REPLACE INTO chunk_residuals(id, residual) VALUES (?, ?)").run(
    chunkId,
    residual,
  );
}

/**
 * The residuals of those of the chunks that have one. A brain that has none (below residuals_from,
 * most brains) is told by one seek, not one per chunk.
 */
export function readResiduals(db: Db, chunkIds: readonly number[]): Map<number, Buffer> {
  if (chunkIds.length === 0) return new Map();
  if (
    !prepareCached<[], { any: number }>(db, "SELECT EXISTS (SELECT 1 FROM chunk_residuals) AS any").get()!.any
  )
    return new Map();
  const rows = prepareCached<[string], { id: number; residual: Buffer }>(
    db,
    "SELECT id, residual FROM chunk_residuals WHERE id IN (SELECT value FROM json_each(?))",
  ).all(JSON.stringify(chunkIds));
  return new Map(rows.map((r) => [r.id, r.residual]));
}
