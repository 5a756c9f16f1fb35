import type { Db } from "./db/open.ts";
import { prepareCached } from "./db/statements.ts";

/**
 * The candidate scan of vector search: every chunk's sign bits in one Uint32Array, scanned by
 * Hamming distance. Loaded once per process and model, then kept current cheaply:
 * `data_version` and `total_changes()` say whether any connection wrote; new chunks (ids only
 * grow) are appended;
 * a re-centred model (new generation) or many deletions reload it. Deleted chunks still in the
 * array are dropped by the exact rescoring step, which reads chunks by id.
 */
export class BitIndex {
  private ids: number[] = [];
  private words = new Uint32Array(0);
  private wordsPerRow = 0;
  private maxId = 0;
  private generation = -1;
  private dataVersion = "";
  private readonly modelId: number;

  constructor(modelId: number) {
    this.modelId = modelId;
  }

  /** Brings the array up to date with the database. */
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

  /**
   * The ids of the `count` chunks nearest to `query` (packed sign bits) by Hamming distance. Two
   * stages: the first 256 bits of every row pick a shortlist of `count * 16` rows (at least 4,000),
   * and only those get the full distance. Each stage selects by counting sort on the distance
   * (0..bits), so nothing sorts n items.
   */
  nearest(query: Uint8Array, count: number): number[] {
    const per = this.wordsPerRow;
    const padded = new Uint8Array(per * 4);
    padded.set(query.subarray(0, per * 4));
    const q = new Uint32Array(padded.buffer);
    const n = this.ids.length;
    const coarseWords = Math.min(per, 8);
    const shortlistSize = Math.max(count * 16, 4000);
    let rows: Int32Array;
    if (per > coarseWords && n > shortlistSize) {
      const coarse = this.distances(q, 0, coarseWords, null);
      rows = selectSmallest(coarse, null, shortlistSize, coarseWords * 32);
    } else {
      rows = Int32Array.from({ length: n }, (_, i) => i);
    }
    const full = this.distances(q, 0, per, rows);
    const best = selectSmallest(full, rows, count, per * 32);
    return Array.from(best, (r) => this.ids[r]!);
  }

  /** Hamming distances over words [from, to) for the given rows (all rows when null), in row order of `rows`. */
  private distances(q: Uint32Array, from: number, to: number, rows: Int32Array | null): Uint16Array {
    const per = this.wordsPerRow;
    const words = this.words;
    const n = rows ? rows.length : this.ids.length;
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const o = (rows ? rows[i]! : i) * per;
      let d = 0;
      for (let w = from; w < to; w++) d += popcount(words[o + w]! ^ q[w]!);
      out[i] = d;
    }
    return out;
  }

  get size(): number {
    return this.ids.length;
  }
}

/**
 * The row numbers of the `count` smallest distances, nearest first. `rows` maps positions in
 * `distances` to row numbers (identity when null).
 */
function selectSmallest(
  distances: Uint16Array,
  rows: Int32Array | null,
  count: number,
  maxDistance: number,
): Int32Array {
  const histogram = new Uint32Array(maxDistance + 2);
  for (let i = 0; i < distances.length; i++) histogram[distances[i]!]!++;
  let cutoff = 0;
  for (let seen = 0; cutoff <= maxDistance; cutoff++) {
    seen += histogram[cutoff]!;
    if (seen >= count) break;
  }
  const picked: number[] = [];
  for (let i = 0; i < distances.length; i++) if (distances[i]! <= cutoff) picked.push(i);
  picked.sort((a, b) => distances[a]! - distances[b]!);
  return Int32Array.from(picked.slice(0, count), (i) => (rows ? rows[i]! : i));
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
