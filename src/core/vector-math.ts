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

/** True when every component is a finite number and at least one is not zero. */
export function isUsableVector(v: Float32Array): boolean {
  let nonZero = false;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) return false;
    if (v[i] !== 0) nonZero = true;
  }
  return v.length > 0 && nonZero;
}
