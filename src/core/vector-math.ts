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
 * A vector as int8, scaled so its largest component is ±127: a quarter of float32's bytes, what
 * sqlite-vec's `vec_int8` reads. The scale is not kept: cosine does not depend on it, and a
 * stored vector is unit length, so dividing by the int8 vector's own norm gives it back
 * ({@link int8ToVector}).
 */
export function quantizeInt8(v: Float32Array): Int8Array {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]!));
  const q = new Int8Array(v.length);
  if (max > 0) for (let i = 0; i < v.length; i++) q[i] = Math.round((v[i]! * 127) / max);
  return q;
}

export function int8ToBlob(q: Int8Array): Buffer {
  return Buffer.from(q.buffer, q.byteOffset, q.byteLength);
}

/** The unit vector an int8 one stands for. */
export function int8ToVector(blob: Uint8Array): Float32Array {
  const q = new Int8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  return normalize(Float32Array.from(q));
}

/**
 * A stored vector of `dimensions` components, whichever way it is stored: int8 (one byte each)
 * or float32 (four, as before migration `010_int8_vectors`).
 */
export function storedToVector(blob: Buffer, dimensions: number): Float32Array {
  return blob.byteLength === dimensions ? int8ToVector(blob) : blobToVector(blob);
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
