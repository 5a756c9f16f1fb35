import type { Db } from "./db/open.ts";
import { prepareCached } from "./db/statements.ts";
import { HammingRows } from "./hamming.ts";

/**
 * The candidate scan of vector search: every chunk's sign bits in WebAssembly memory, scanned by
 * Hamming distance (src/core/hamming.ts). Loaded once per process and model, then kept current
 * cheaply: `data_version` and `total_changes()` say whether any connection wrote; new chunks (ids
 * only grow) are appended; a re-centred model (new generation) or many deletions reload it.
 * Deleted chunks still in the index are dropped by the exact rescoring step, which reads chunks
 * by id.
 */
export class BitIndex {
  private ids: number[] = [];
  private rows: HammingRows | null = null;
  private maxId = 0;
  private generation = -1;
  private dataVersion = "";
  private readonly modelId: number;

  constructor(modelId: number) {
    this.modelId = modelId;
  }

  /** Brings the index up to date with the database. */
  refresh(db: Db, generation: number, dimensions: number): void {
    // data_version moves when another connection commits; total_changes when this one writes.
    const version = prepareCached<[], { v: string }>(
      db,
      "SELECT (SELECT data_version FROM pragma_data_version) || ':' || total_changes() AS v",
    ).get()!.v;
    if (version === this.dataVersion && generation === this.generation) return;
    this.dataVersion = version;
    const stats = prepareCached<[number], { n: number; max: number | null }>(
      db,
      "SELECT count(*) AS n, max(id) AS max FROM chunks WHERE model_id = ?",
    ).get(this.modelId)!;
    const stale =
      !this.rows ||
      generation !== this.generation ||
      stats.n < this.ids.length * 0.9 ||
      (stats.max ?? 0) < this.maxId;
    if (stale) {
      this.ids = [];
      this.rows = new HammingRows(dimensions);
      this.maxId = 0;
      this.generation = generation;
    }
    if ((stats.max ?? 0) > this.maxId) this.append(db, this.rows!);
  }

  private append(db: Db, rows: HammingRows): void {
    const read = prepareCached<[number, number], { id: number; bits: Buffer }>(
      db,
      "SELECT id, bits FROM chunks WHERE model_id = ? AND id > ? ORDER BY id",
    ).all(this.modelId, this.maxId);
    rows.append(read.map((row) => row.bits));
    for (const row of read) this.ids.push(row.id);
    this.maxId = read.length ? read[read.length - 1]!.id : this.maxId;
  }

  /** The ids of the `count` chunks nearest to `query` (packed sign bits) by Hamming distance. */
  nearest(query: Uint8Array, count: number): number[] {
    return this.rows ? this.rows.nearest(query, count).map((r) => this.ids[r]!) : [];
  }

  get size(): number {
    return this.ids.length;
  }
}

const indexes = new WeakMap<Db, Map<number, BitIndex>>();

/** The process's bit index for a model on this connection, up to date. */
export function bitIndexFor(db: Db, model: { id: number; generation: number; dimensions: number }): BitIndex {
  let byModel = indexes.get(db);
  if (!byModel) indexes.set(db, (byModel = new Map()));
  let index = byModel.get(model.id);
  if (!index) byModel.set(model.id, (index = new BitIndex(model.id)));
  index.refresh(db, model.generation, model.dimensions);
  return index;
}
