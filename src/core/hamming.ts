/**
 * Hamming distances in WebAssembly: `i64.popcnt` is one instruction, which JavaScript cannot
 * reach. The source is hamming.wat beside this file; these are its assembled bytes (how to
 * regenerate them is written at the top of the .wat).
 */
const WASM_BASE64 =
  "AGFzbQEAAAABEgJgBn9/f39/fwBgBH9/f38BfwMDAgABBQMBAAEHHwMGbWVtb3J5AgAJZGlzdGFuY2VzAAAGd2l0aGluAAEKywEChgEBBn8gA0EDdCEKIAEhCAJAA0AgBiACTw0BQQAhCUEAIQcCQANAIAcgCk8NASAJIAggB2opAwAgACAHaikDAIV7p2ohCSAHQQhqIQcMAAsLIAQgBkEBdGogCTsBACAFIAlBAnRqIQsgCyALKAIAQQFqNgIAIAggCmohCCAGQQFqIQYMAAsLC0EBAn8CQANAIAQgAU8NASAAIARBAXRqLwEAIAJNBEAgAyAFQQJ0aiAENgIAIAVBAWohBQsgBEEBaiEEDAALCyAFCw==";

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  distances(q: number, rows: number, n: number, words: number, out: number, hist: number): void;
  within(out: number, n: number, cutoff: number, dest: number): number;
}

/** The part of the WebAssembly API used here (Node has it; its type package does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
let compiled: object | undefined;

/**
 * A block of rows of packed bits (each `words` 64-bit words long) in WebAssembly memory, and the
 * scan that finds the rows nearest to a query. Memory layout: the query, then the rows, then
 * scratch space for one scan (distances, histogram, picked rows).
 */
export class HammingRows {
  readonly words: number;
  private readonly exports: Exports;
  private count = 0;

  /** `expected` rows are reserved at once: growing memory a page at a time copies it each time. */
  constructor(bits: number, expected = 0) {
    compiled ??= new wasm.Module(Buffer.from(WASM_BASE64, "base64"));
    this.exports = new wasm.Instance(compiled).exports as unknown as Exports;
    this.words = Math.ceil(bits / 64);
    this.reserve(this.stride * (1 + expected));
  }

  get size(): number {
    return this.count;
  }

  private get stride(): number {
    return this.words * 8;
  }

  /** Appends rows given as bytes (shorter rows are zero-padded, which adds no distance). */
  append(rows: Uint8Array[]): void {
    const at = this.stride * (1 + this.count);
    this.reserve(at + rows.length * this.stride);
    const bytes = new Uint8Array(this.exports.memory.buffer);
    rows.forEach((row, i) => {
      const offset = at + i * this.stride;
      bytes.fill(0, offset, offset + this.stride);
      bytes.set(row.subarray(0, this.stride), offset);
    });
    this.count += rows.length;
  }

  /** Appends `count` rows already packed `stride` bytes apart (as bit_blocks stores them). */
  appendPacked(bits: Uint8Array, count: number, stride: number): void {
    if (stride !== this.stride) {
      this.append(Array.from({ length: count }, (_, i) => bits.subarray(i * stride, (i + 1) * stride)));
      return;
    }
    const at = this.stride * (1 + this.count);
    this.reserve(at + count * this.stride);
    new Uint8Array(this.exports.memory.buffer).set(bits.subarray(0, count * stride), at);
    this.count += count;
  }

  /**
   * Row numbers of the `count` rows nearest to `query`, nearest first. The distances are counted
   * into a histogram as they are computed, so the cut-off is found without sorting all rows; only
   * the rows within it are sorted.
   */
  nearest(query: Uint8Array, count: number): number[] {
    const n = this.count;
    const maxDistance = this.words * 64;
    const out = this.stride * (1 + n);
    const hist = out + align8(n * 2);
    const dest = hist + align8((maxDistance + 1) * 4);
    this.reserve(dest + n * 4);
    const bytes = new Uint8Array(this.exports.memory.buffer);
    bytes.fill(0, 0, this.stride);
    bytes.set(query.subarray(0, this.stride), 0);
    bytes.fill(0, hist, dest);
    this.exports.distances(0, this.stride, n, this.words, out, hist);
    const histogram = new Uint32Array(this.exports.memory.buffer, hist, maxDistance + 1);
    let cutoff = 0;
    for (let seen = histogram[0]!; seen < count && cutoff < maxDistance; ) seen += histogram[++cutoff]!;
    const picked = this.exports.within(out, n, cutoff, dest);
    const distances = new Uint16Array(this.exports.memory.buffer, out, n);
    return Array.from(new Uint32Array(this.exports.memory.buffer, dest, picked))
      .sort((a, b) => distances[a]! - distances[b]! || a - b)
      .slice(0, count);
  }

  private reserve(bytes: number): void {
    const memory = this.exports.memory;
    const missing = bytes - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  }
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;
