import { reserveMemory, wasmModule, type WasmMemory } from "./wasm.ts";

/**
 * Hamming distances in WebAssembly: `i64.popcnt` is one instruction, which JavaScript cannot
 * reach. The source is hamming.wat beside this file; these are its assembled bytes (how to
 * regenerate them is written at the top of the .wat).
 */
const WASM_BASE64 =
  "AGFzbQEAAAABJgRgBn9/f39/fwBgBH9/f38Bf2AJf39/f39/f39/AGAFf39/f38AAwUEAAECAwUDAQABBzUFBm1lbW9yeQIACWRpc3RhbmNlcwAABndpdGhpbgABBnJlZmluZQACCmRpc3RhbmNlczQAAwqlBASGAQEGfyADQQN0IQogASEIAkADQCAGIAJPDQFBACEJQQAhBwJAA0AgByAKTw0BIAkgCCAHaikDACAAIAdqKQMAhXunaiEJIAdBCGohBwwACwsgBCAGQQF0aiAJOwEAIAUgCUECdGohCyALIAsoAgBBAWo2AgAgCCAKaiEIIAZBAWohBgwACwsLQQECfwJAA0AgBCABTw0BIAAgBEEBdGovAQAgAk0EQCADIAVBAnRqIAQ2AgAgBUEBaiEFCyAEQQFqIQQMAAsLIAULxQEBB38CQANAIAkgBU8NASAEIAlBAnRqKAIAIQogBiAKQQF0ai8BACELQQEhDAJAA0AgDCADTw0BIAEgDCACbGogCkEFdGohDSAAIAxBBXRqIQ4gCyANKQMAIA4pAwCFeyANKQMIIA4pAwiFe3wgDSkDECAOKQMQhXsgDSkDGCAOKQMYhXt8fKdqIQsgDEEBaiEMDAALCyAHIAlBAXRqIAs7AQAgCCALQQJ0aiEPIA8gDygCAEEBajYCACAJQQFqIQkMAAsLC5EBAgR/BH4gACkDACEJIAApAwghCiAAKQMQIQsgACkDGCEMIAEhBgJAA0AgBSACTw0BIAYpAwAgCYV7IAYpAwggCoV7fCAGKQMQIAuFeyAGKQMYIAyFe3x8pyEHIAMgBUEBdGogBzsBACAEIAdBAnRqIQggCCAIKAIAQQFqNgIAIAZBIGohBiAFQQFqIQUMAAsLCw==";

interface Exports {
  memory: WasmMemory;
  distances(q: number, rows: number, n: number, words: number, out: number, hist: number): void;
  distances4(q: number, rows: number, n: number, out: number, hist: number): void;
  within(out: number, n: number, cutoff: number, dest: number): number;
  refine(
    q: number,
    base: number,
    planeBytes: number,
    planes: number,
    cand: number,
    m: number,
    coarse: number,
    out: number,
    hist: number,
  ): void;
}

const instance = wasmModule<Exports>(WASM_BASE64);

/** Bytes of one plane of one row: 4 words, 256 bits. */
const PLANE_ROW = 32;

/**
 * How many rows the first stage keeps for the second, at least (4x the wanted count if more: 2,000
 * for the 500 candidates at a million rows). Measured on the bench's vectors (30 queries), the top
 * 10 of rescoring every vector lay within the nearest 1,000 by the first 256 bits at 100k and at a
 * million, and picking 100 (100k) or 500 (a million) candidates from the nearest 1,000 found all
 * of it. Each row kept costs three reads at random places (one per plane): 5,000 of them took
 * 0.6 ms at 100k. Below this many rows every row goes through both.
 */
const COARSE_KEEP = 1000;

/**
 * Rows of packed sign bits in WebAssembly memory, and the scan that finds the rows nearest to a
 * query. Rows are stored in planes of 256 bits: plane p holds bits 256p..256p+255 of every row,
 * one after another. The scan reads the first plane of every row (32 bytes a row, a quarter of
 * 1,024 bits), keeps the nearest 1,000 by that (4x the wanted count if more), and adds the other planes for those only: at a
 * million rows it reads 32 MB instead of 128 MB, which is what memory bandwidth allows in a few ms.
 * Memory layout: the query, then the planes (each `capacity` rows), then scratch space.
 */
export class HammingRows {
  readonly words: number;
  private readonly planes: number;
  private readonly exports: Exports;
  private count = 0;
  private capacity = 0;

  /** `expected` rows are reserved at once: growing copies every plane. */
  constructor(bits: number, expected = 0) {
    this.exports = instance();
    this.planes = Math.max(1, Math.ceil(bits / 256));
    this.words = this.planes * 4;
    this.grow(Math.max(1024, expected));
  }

  get size(): number {
    return this.count;
  }

  private get stride(): number {
    return this.words * 8;
  }

  private get planeBytes(): number {
    return this.capacity * PLANE_ROW;
  }

  /** Appends rows given as bytes (shorter rows are zero-padded, which adds no distance). */
  append(rows: Uint8Array[]): void {
    const packed = new Uint8Array(rows.length * this.stride);
    rows.forEach((row, i) => packed.set(row.subarray(0, this.stride), i * this.stride));
    this.appendPacked(packed, rows.length, this.stride);
  }

  /**
   * Appends `count` rows packed `stride` bytes apart (as bit_blocks stores them), spreading each
   * over the planes 32-bit word by word (a million rows in tens of ms).
   */
  appendPacked(bits: Uint8Array, count: number, stride: number): void {
    this.ensure(this.count + count);
    const aligned =
      bits.byteOffset % 4 === 0 && stride % 4 === 0 ? bits : padRows(bits, count, stride, this.stride);
    const rowWords = aligned === bits ? stride / 4 : this.stride / 4;
    const source = new Uint32Array(aligned.buffer, aligned.byteOffset, count * rowWords);
    const memory = new Uint32Array(this.exports.memory.buffer);
    const usable = Math.min(rowWords, this.stride / 4);
    for (let p = 0; p < this.planes; p++) {
      let at = (this.stride + p * this.planeBytes + this.count * PLANE_ROW) / 4;
      const from = p * 8;
      const to = Math.min(from + 8, usable);
      for (let r = 0; r < count; r++, at += 8) {
        const row = r * rowWords;
        for (let w = 0; w < 8; w++) memory[at + w] = from + w < to ? source[row + from + w]! : 0;
      }
    }
    this.count += count;
  }

  /** Appends `count` rows given plane by plane (as bit_blocks stores them): one copy per plane. */
  appendPlanes(bits: Uint8Array, count: number): void {
    this.ensure(this.count + count);
    const memory = new Uint8Array(this.exports.memory.buffer);
    const bytes = count * PLANE_ROW;
    for (let p = 0; p < this.planes; p++) {
      memory.set(
        bits.subarray(p * bytes, (p + 1) * bytes),
        this.stride + p * this.planeBytes + this.count * PLANE_ROW,
      );
    }
    this.count += count;
  }

  /**
   * Row numbers of the `count` rows nearest to `query`, nearest first. Distances are counted into
   * histograms as they are computed, so each stage finds its cut-off without sorting all rows.
   */
  nearest(query: Uint8Array, count: number): number[] {
    const n = this.count;
    if (n === 0) return [];
    const base = this.stride;
    const coarseOut = base + this.planes * this.planeBytes;
    const hist = coarseOut + align8(n * 2);
    const cand = hist + align8((this.words * 64 + 1) * 4);
    const out = cand + n * 4;
    const picked = out + align8(n * 2);
    this.reserve(picked + n * 4);
    const bytes = new Uint8Array(this.exports.memory.buffer);
    bytes.fill(0, 0, base);
    bytes.set(query.subarray(0, base), 0);
    // Stage one: the first plane of every row.
    bytes.fill(0, hist, cand);
    this.exports.distances4(0, base, n, coarseOut, hist);
    const m = this.exports.within(
      coarseOut,
      n,
      this.cutoff(hist, 256, Math.max(count * 4, COARSE_KEEP)),
      cand,
    );
    // Stage two: every plane of the rows kept.
    bytes.fill(0, hist, cand);
    this.exports.refine(0, base, this.planeBytes, this.planes, cand, m, coarseOut, out, hist);
    const k = this.exports.within(out, m, this.cutoff(hist, this.words * 64, count), picked);
    const buffer = this.exports.memory.buffer;
    const rows = new Uint32Array(buffer, cand, m);
    const distances = new Uint16Array(buffer, out, m);
    return Array.from(new Uint32Array(buffer, picked, k))
      .sort((a, b) => distances[a]! - distances[b]! || rows[a]! - rows[b]!)
      .slice(0, count)
      .map((i) => rows[i]!);
  }

  /** The smallest distance within which at least `count` rows lie (all rows if fewer). */
  private cutoff(hist: number, max: number, count: number): number {
    const histogram = new Uint32Array(this.exports.memory.buffer, hist, max + 1);
    let cutoff = 0;
    for (let seen = histogram[0]!; seen < count && cutoff < max; ) seen += histogram[++cutoff]!;
    return cutoff;
  }

  /** Room for `rows` rows: planes are moved apart (last first) when the capacity grows. */
  private ensure(rows: number): void {
    if (rows > this.capacity) this.grow(Math.max(rows, this.capacity * 2));
  }

  private grow(capacity: number): void {
    const oldPlaneBytes = this.planeBytes;
    this.capacity = capacity;
    this.reserve(this.stride + this.planes * this.planeBytes);
    const bytes = new Uint8Array(this.exports.memory.buffer);
    for (let p = this.planes - 1; p > 0 && this.count > 0; p--) {
      const from = this.stride + p * oldPlaneBytes;
      bytes.copyWithin(this.stride + p * this.planeBytes, from, from + this.count * PLANE_ROW);
    }
  }

  private reserve(bytes: number): void {
    reserveMemory(this.exports.memory, bytes);
  }
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** Rows re-packed `to` bytes apart in a new (aligned) buffer. */
function padRows(bits: Uint8Array, count: number, from: number, to: number): Uint8Array {
  const out = new Uint8Array(count * to);
  for (let r = 0; r < count; r++) out.set(bits.subarray(r * from, r * from + Math.min(from, to)), r * to);
  return out;
}
