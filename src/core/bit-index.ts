import type { Db } from "./db/open.ts";
import { prepareCached } from "./db/statements.ts";

/**
 * The candidate scan of vector search: every chunk's sign bits in one Uint32Array, scanned by
 * Hamming distance. Loaded once per process and model, then kept current cheaply: `PRAGMA
 * data_version` says whether another connection wrote; new chunks (ids only grow) are appended;
 * a re-centred model (new generation) or many deletions reload it. Deleted chunks still in the
 * array are dropped by the exact rescoring step, which reads chunks by id.
 */
export class BitIndex {
  private ids: number[] = [];
  private words = new Uint32Array(0);
  private wordsPerRow = 0;
  private maxId = 0;
  private generation = -1;
  private dataVersion = -1;
  private readonly modelId: number;

  constructor(modelId: number) {
    this.modelId = modelId;
  }

  /** Brings the array up to date with the database. */
  refresh(db: Db, generation: number, dimensions: number): void {
    const version = db.pragma("data_version", { simple: true }) as number;
    if (version === this.dataVersion && generation === this.generation) return;
    this.dataVersion = version;
    const stats = prepareCached<[number], { n: number; max: number | null }>(
      db,
      "SELECT count(*) AS n, max(id) AS max FROM chunks WHERE model_id = ?",
    ).get(this.modelId)!;
    const stale =
      generation !== this.generation || stats.n < this.ids.length * 0.9 || (stats.max ?? 0) < this.maxId;
    if (stale) {
      this.ids = [];
      this.words = new Uint32Array(0);
      this.maxId = 0;
      this.generation = generation;
      this.wordsPerRow = Math.ceil(dimensions / 32);
    }
    if ((stats.max ?? 0) > this.maxId) this.append(db);
  }

  private append(db: Db): void {
    const rows = prepareCached<[number, number], { id: number; bits: Buffer }>(
      db,
      "SELECT id, bits FROM chunks WHERE model_id = ? AND id > ? ORDER BY id",
    ).all(this.modelId, this.maxId);
    const per = this.wordsPerRow;
    const grown = new Uint32Array((this.ids.length + rows.length) * per);
    grown.set(this.words);
    const bytes = new Uint8Array(grown.buffer);
    rows.forEach((row, i) => bytes.set(row.bits.subarray(0, per * 4), (this.ids.length + i) * per * 4));
    this.words = grown;
    for (const row of rows) this.ids.push(row.id);
    this.maxId = rows.length ? rows[rows.length - 1]!.id : this.maxId;
  }

  /** The ids of the `count` chunks nearest to `query` (packed sign bits) by Hamming distance. */
  nearest(query: Uint8Array, count: number): number[] {
    const per = this.wordsPerRow;
    const padded = new Uint8Array(per * 4);
    padded.set(query.subarray(0, per * 4));
    const q = new Uint32Array(padded.buffer);
    const n = this.ids.length;
    const words = this.words;
    const distances = new Uint16Array(n);
    // Counting sort on distance (0..bits): the k smallest without sorting all n.
    const histogram = new Uint32Array(per * 32 + 1);
    for (let r = 0; r < n; r++) {
      let d = 0;
      const o = r * per;
      for (let w = 0; w < per; w++) d += popcount(words[o + w]! ^ q[w]!);
      distances[r] = d;
      histogram[d]!++;
    }
    let cutoff = 0;
    for (let seen = 0; cutoff < histogram.length; cutoff++) {
      seen += histogram[cutoff]!;
      if (seen >= count) break;
    }
    const picked: { id: number; d: number }[] = [];
    for (let r = 0; r < n; r++)
      if (distances[r]! <= cutoff) picked.push({ id: this.ids[r]!, d: distances[r]! });
    return picked
      .sort((a, b) => a.d - b.d)
      .slice(0, count)
      .map((p) => p.id);
  }

  get size(): number {
    return this.ids.length;
  }
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
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
