import { readBlocks, type ModelRef } from "./bit-blocks.ts";
import { chunkBits, chunkCount, maxChunkId } from "./stored-vectors.ts";
import { writeVersion, type Db } from "../db/index.ts";
import { HammingRows } from "./hamming.ts";

/**
 * The candidate scan of vector search: every chunk's sign bits in WebAssembly memory, scanned by
 * Hamming distance (src/core/embed/hamming.ts). Loaded once per process and model, then kept current
 * cheaply: `data_version` and `total_changes()` say whether any connection wrote; new chunks (ids
 * only grow) are appended; a re-centred model (new generation) or many deletions reload it. A load
 * reads sealed blocks of 4,096 rows (bit-blocks.ts) and takes the rest from the chunks' vectors.
 * Deleted chunks still in the index are dropped by the exact rescoring step, which reads chunks
 * by id.
 */
export class BitIndex {
  private ids = new Float64Array(0);
  private rows: HammingRows | null = null;
  private maxId = 0;
  private generation = -1;
  private dataVersion = "";
  private readonly modelId: number;

  constructor(modelId: number) {
    this.modelId = modelId;
  }

  /** Brings the index up to date with the database. */
  refresh(db: Db, model: ModelRef): void {
    const { generation } = model;
    const version = writeVersion(db);
    if (version === this.dataVersion && generation === this.generation) return;
    this.dataVersion = version;
    const stats = { n: chunkCount(db, { id: this.modelId }), max: maxChunkId(db, this.modelId) };
    const stale =
      !this.rows || generation !== this.generation || stats.n < this.size * 0.9 || stats.max < this.maxId;
    if (stale) {
      this.load(db, model, stats.n);
    } else if (stats.max > this.maxId) {
      this.appendRows(chunkBits(db, model, this.maxId, Number.MAX_SAFE_INTEGER));
    }
  }

  /** A whole load: usable blocks as they are, the ranges between and after them from `chunks`. */
  private load(db: Db, model: ModelRef, expected: number): void {
    this.rows = new HammingRows(model.dimensions, expected);
    this.ids = new Float64Array(Math.max(16, expected));
    this.maxId = 0;
    this.generation = model.generation;
    for (const block of readBlocks(db, model)) {
      if (block.firstId > this.maxId + 1) {
        this.appendRows(chunkBits(db, model, this.maxId, block.firstId - 1));
      }
      this.rows.appendPlanes(block.bits, block.ids.length);
      this.pushIds(block.ids);
      this.maxId = block.lastId;
    }
    this.appendRows(chunkBits(db, model, this.maxId, Number.MAX_SAFE_INTEGER));
  }

  private appendRows(read: { id: number; bits: Uint8Array }[]): void {
    if (read.length === 0) return;
    this.rows!.append(read.map((row) => row.bits));
    this.pushIds(Float64Array.from(read, (row) => row.id));
    this.maxId = Math.max(this.maxId, read[read.length - 1]!.id);
  }

  private pushIds(ids: Float64Array): void {
    const at = this.rows!.size - ids.length;
    if (this.ids.length < at + ids.length) {
      const grown = new Float64Array(Math.max(at + ids.length, this.ids.length * 2));
      grown.set(this.ids.subarray(0, at));
      this.ids = grown;
    }
    this.ids.set(ids, at);
  }

  /** The ids of the `count` chunks nearest to `query` (packed sign bits) by Hamming distance. */
  nearest(query: Uint8Array, count: number): number[] {
    return this.rows ? this.rows.nearest(query, count).map((r) => this.ids[r]!) : [];
  }

  get size(): number {
    return this.rows?.size ?? 0;
  }
}

const indexes = new WeakMap<Db, Map<number, BitIndex>>();

/** The process's bit index for a model on this connection, up to date. */
export function bitIndexFor(db: Db, model: ModelRef): BitIndex {
  let byModel = indexes.get(db);
  if (!byModel) indexes.set(db, (byModel = new Map()));
  let index = byModel.get(model.id);
  if (!index) byModel.set(model.id, (index = new BitIndex(model.id)));
  index.refresh(db, model);
  return index;
}
