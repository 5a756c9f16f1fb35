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
 * Components per scale in the int8 form. One scale per 64 components (the largest of 64 sets the
 * step, not the largest of all 1,024) cut the rounding noise by about a third for 64 extra bytes:
 * recall@10 against exact float32 on the bench's 10k vectors, 300 queries, 0.990 with one scale
 * per vector, 0.994 with one per 64 components.
 */
export const INT8_BLOCK = 64;

/** Bytes of a vector of `dimensions` in the int8 form: the components, then a float32 scale per block. */
export const int8Bytes = (dimensions: number) => dimensions + 4 * Math.ceil(dimensions / INT8_BLOCK);

/**
 * A vector in the int8 form: each block of 64 components scaled so its largest is ±127 and
 * rounded, then the blocks' scales as float32. A quarter of float32's bytes, plus 6%.
 */
export function encodeInt8(v: Float32Array): Buffer {
  const blocks = Math.ceil(v.length / INT8_BLOCK);
  const out = Buffer.alloc(v.length + 4 * blocks);
  const q = new Int8Array(out.buffer, out.byteOffset, v.length);
  for (let b = 0; b < blocks; b++) {
    const from = b * INT8_BLOCK;
    const to = Math.min(v.length, from + INT8_BLOCK);
    let max = 0;
    for (let i = from; i < to; i++) max = Math.max(max, Math.abs(v[i]!));
    const inverse = max > 0 ? 127 / max : 0;
    for (let i = from; i < to; i++) q[i] = Math.round(v[i]! * inverse);
    out.writeFloatLE(max / 127, v.length + 4 * b);
  }
  return out;
}

/**
 * Cosine similarity of a unit-length query to a stored vector in either form (int8 blocks, or
 * float32 as before migration `012_int8_vectors_bit_blocks`), without building a float copy.
 */
export function cosineToStored(query: Float32Array, blob: Uint8Array, dimensions: number): number {
  if (blob.byteLength === dimensions * 4) return cosineToFloat(query, blob, dimensions);
  const q = new Int8Array(blob.buffer, blob.byteOffset, dimensions);
  const scales = new DataView(blob.buffer, blob.byteOffset + dimensions, blob.byteLength - dimensions);
  let dot = 0;
  let norm = 0;
  for (let from = 0, b = 0; from < dimensions; from += INT8_BLOCK, b++) {
    const to = Math.min(dimensions, from + INT8_BLOCK);
    let partDot = 0;
    let partNorm = 0;
    for (let i = from; i < to; i++) {
      const x = q[i]!;
      partDot += query[i]! * x;
      partNorm += x * x;
    }
    const scale = scales.getFloat32(4 * b, true);
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

/** The stored vector again from its head (if it was split) and the rest. */
export function joinStored(head: Buffer | null, tail: Buffer): Buffer {
  return head ? Buffer.concat([head, tail]) : tail;
}

/** The unit vector a stored one (either form) stands for. */
export function storedToVector(blob: Buffer, dimensions: number): Float32Array {
  if (blob.byteLength === dimensions * 4) return blobToVector(blob);
  const q = new Int8Array(blob.buffer, blob.byteOffset, dimensions);
  const v = new Float32Array(dimensions);
  for (let from = 0; from < dimensions; from += INT8_BLOCK) {
    const scale = blob.readFloatLE(dimensions + (4 * from) / INT8_BLOCK);
    for (let i = from; i < Math.min(dimensions, from + INT8_BLOCK); i++) v[i] = q[i]! * scale;
  }
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
