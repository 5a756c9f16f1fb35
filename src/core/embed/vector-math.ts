import { int8Cosine } from "./int8-cosine.ts";

/** Small, allocation-light vector helpers. Vectors are Float32Array; stored ones are unit length. */

/** Scales a vector to unit length in place and returns it; a zero vector stays zero. */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

/**
 * Sign bits of `v - mean`, packed eight to a byte (bit i in byte i>>3, position i&7): the
 * 1-bit code stored in the vec0 `bit[D]` index. Centring first matters: raw embedding
 * dimensions have non-zero means, and their sign bits then say little about a text.
 */
export function signBits(v: Float32Array, mean: Float32Array | null): Uint8Array {
  const bits = new Uint8Array(Math.ceil(v.length / 8));
  for (let i = 0; i < v.length; i++) {
    if (v[i]! - (mean ? mean[i]! : 0) > 0) bits[i >> 3]! |= 1 << (i & 7);
  }
  return bits;
}

/** Running mean of many vectors. */
export class MeanAccumulator {
  readonly sum: Float64Array;
  count = 0;

  constructor(dimensions: number) {
    this.sum = new Float64Array(dimensions);
  }

  add(v: Float32Array): void {
    for (let i = 0; i < this.sum.length; i++) this.sum[i]! += v[i]!;
    this.count++;
  }

  mean(): Float32Array {
    const m = new Float32Array(this.sum.length);
    if (this.count > 0) for (let i = 0; i < m.length; i++) m[i] = this.sum[i]! / this.count;
    return m;
  }
}

/** A Float32Array over a BLOB read from SQLite: a view when aligned, else a copy. */
export function blobToVector(blob: Buffer): Float32Array {
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}

export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * Components per scale in the int8 form. One scale per 16 components (the largest of 16 sets the
 * step, not the largest of 64) cut the rounding noise enough for a million chunks: recall@10 of
 * an exact rescoring of every vector against exact float32, on the bench's vectors, 20 queries:
 * at 100k 0.980 with a scale per 64 components, 1.000 with one per 16 (float16: 1.000); at a
 * million, see README. The scales cost a byte each: the largest (a float32) and, per block, how many
 * steps of 2^(1/16) its own scale is below it. The block's components are rounded against that
 * stepped scale, so the stepping costs at most 4% of a block's range, never an error of its own.
 */
export const INT8_BLOCK = 16;

/** 2^(-e/16): the scale of a block e steps below the vector's largest. */
const SCALE_STEPS = Float64Array.from({ length: 256 }, (_, e) => 2 ** (-e / 16));

/** Bytes of a vector in the int8 form: the components, the largest scale (float32), a step per block. */
export const int8Bytes = (dimensions: number) => dimensions + 4 + Math.ceil(dimensions / INT8_BLOCK);

/** Bytes of a vector in migration 012's int8 form: a float32 scale per 64 components (still read). */
const int8Per64Bytes = (dimensions: number) => dimensions + 4 * Math.ceil(dimensions / 64);

/** A vector in the int8 form (see INT8_BLOCK): about a quarter of float32's bytes, plus 6%. */
export function encodeInt8(v: Float32Array): Buffer {
  const d = v.length;
  const blocks = Math.ceil(d / INT8_BLOCK);
  const out = Buffer.alloc(int8Bytes(d));
  const maxes = new Float64Array(blocks);
  for (let i = 0; i < d; i++)
    maxes[(i / INT8_BLOCK) | 0] = Math.max(maxes[(i / INT8_BLOCK) | 0]!, Math.abs(v[i]!));
  out.writeFloatLE(Math.max(...maxes) / 127, d);
  const largest = out.readFloatLE(d);
  const q = new Int8Array(out.buffer, out.byteOffset, d);
  for (let b = 0; b < blocks; b++) {
    const needed = maxes[b]! / 127;
    const steps = needed > 0 ? Math.floor(16 * Math.log2(largest / needed)) : 255;
    const e = Math.min(255, Math.max(0, steps));
    out[d + 4 + b] = e;
    const inverse = largest > 0 ? 1 / (largest * SCALE_STEPS[e]!) : 0;
    for (let i = b * INT8_BLOCK; i < Math.min(d, (b + 1) * INT8_BLOCK); i++) {
      q[i] = Math.max(-127, Math.min(127, Math.round(v[i]! * inverse)));
    }
  }
  return out;
}

let scratch = new Float64Array(256);

/**
 * The block size and per-block scales of a stored int8 vector, in either int8 form. The scales are
 * written into one reused array (rescoring reads a thousand vectors a search): use them before
 * the next call.
 */
export function int8Scales(blob: Uint8Array, dimensions: number): { block: number; scales: Float64Array } {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const old = blob.byteLength === int8Per64Bytes(dimensions);
  const block = old ? 64 : INT8_BLOCK;
  const blocks = Math.ceil(dimensions / block);
  if (scratch.length < blocks) scratch = new Float64Array(blocks);
  const largest = old ? 0 : view.getFloat32(dimensions, true);
  for (let b = 0; b < blocks; b++) {
    scratch[b] = old
      ? view.getFloat32(dimensions + 4 * b, true)
      : largest * SCALE_STEPS[blob[dimensions + 4 + b]!]!;
  }
  return { block, scales: scratch };
}

/**
 * Cosine similarity of a unit-length query to a stored vector in any form (int8 now or as
 * migration 012 made it, or float32 as before 012), without building a float copy. Today's int8
 * form is taken in WebAssembly (int8-cosine.ts); the loop below reads 012's form and vectors
 * whose length is not a multiple of 16.
 */
export function cosineToStored(query: Float32Array, blob: Uint8Array, dimensions: number): number {
  if (blob.byteLength === dimensions * 4) return cosineToFloat(query, blob, dimensions);
  if (blob.byteLength === int8Bytes(dimensions) && dimensions % INT8_BLOCK === 0) {
    return int8Cosine(query, blob, dimensions, SCALE_STEPS);
  }
  const q = new Int8Array(blob.buffer, blob.byteOffset, dimensions);
  const { block, scales } = int8Scales(blob, dimensions);
  let dot = 0;
  let norm = 0;
  for (let from = 0, b = 0; from < dimensions; from += block, b++) {
    const to = Math.min(dimensions, from + block);
    let partDot = 0;
    let partNorm = 0;
    for (let i = from; i < to; i++) {
      const x = q[i]!;
      partDot += query[i]! * x;
      partNorm += x * x;
    }
    const scale = scales[b]!;
    dot += scale * partDot;
    norm += scale * scale * partNorm;
  }
  return norm > 0 ? dot / Math.sqrt(norm) : 0;
}

function cosineToFloat(query: Float32Array, blob: Uint8Array, dimensions: number): number {
  const v = blobToVector(Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
  let dot = 0;
  for (let i = 0; i < dimensions; i++) dot += query[i]! * v[i]!;
  return dot;
}

/**
 * Bytes of a stored vector kept in its own row (table `chunk_heads`, migration 014): a table row
 * of at most 1,020 bytes fits four to a 4 KB page, and an int8 vector of 1,024 components with its
 * scales (1,088 bytes) fits only three, leaving a quarter of every page empty. So a longer stored
 * vector is split: its first 1,008 bytes in `chunk_heads`, the rest (the last components and the
 * scales) in its `chunks` row. Shorter ones stay whole in `chunks`.
 */
export const HEAD_BYTES = 1008;

/** A stored vector split for storage: the head (null when it stays whole) and the rest. */
export function splitStored(stored: Buffer): { head: Buffer | null; tail: Buffer } {
  if (stored.byteLength <= HEAD_BYTES) return { head: null, tail: stored };
  return { head: stored.subarray(0, HEAD_BYTES), tail: stored.subarray(HEAD_BYTES) };
}

/**
 * A chunk's whole stored vector in SQL, for a query over `chunks c` joined with {@link HEADS_JOIN}:
 * SQLite joins the head and the rest, so a row brings one blob into JavaScript instead of two and
 * none is copied again here. A blob costs about 2 µs to bring over, which was most of rescoring's
 * time (150 candidates at 10k: 0.61 -> 0.42 ms). `||` joins blobs byte for byte in a UTF-8
 * database (every brain is one) and the CAST keeps the result a blob.
 */
export const STORED_SQL = "CAST(coalesce(h.head, x'') || c.vector AS BLOB)";

/** The join {@link STORED_SQL} reads the head through. */
export const HEADS_JOIN = "LEFT JOIN chunk_heads h ON h.id = c.id";

/** The unit vector a stored one (any form) stands for. */
export function storedToVector(blob: Buffer, dimensions: number): Float32Array {
  if (blob.byteLength === dimensions * 4) return blobToVector(blob);
  const q = new Int8Array(blob.buffer, blob.byteOffset, dimensions);
  const { block, scales } = int8Scales(blob, dimensions);
  const v = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) v[i] = q[i]! * scales[(i / block) | 0]!;
  return normalize(v);
}

/** True when every component is a finite number and at least one is not zero. */
export function isUsableVector(v: Float32Array): boolean {
  let nonZero = false;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) return false;
    if (v[i] !== 0) nonZero = true;
  }
  return v.length > 0 && nonZero;
}
