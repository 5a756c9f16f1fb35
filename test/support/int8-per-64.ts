/**
 * A vector in the int8 form migration 012 wrote (each block of 64 components scaled so its
 * largest is ±127, then the blocks' float32 scales), as databases and backups of that version
 * hold them: current code still reads it.
 */
export function encodeInt8Per64(v: Float32Array): Buffer {
  const blocks = Math.ceil(v.length / 64);
  const out = Buffer.alloc(v.length + 4 * blocks);
  const q = new Int8Array(out.buffer, out.byteOffset, v.length);
  for (let b = 0; b < blocks; b++) {
    const part = v.subarray(b * 64, Math.min(v.length, (b + 1) * 64));
    const max = part.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    part.forEach((x, i) => (q[b * 64 + i] = max > 0 ? Math.round((x * 127) / max) : 0));
    out.writeFloatLE(max / 127, v.length + 4 * b);
  }
  return out;
}
