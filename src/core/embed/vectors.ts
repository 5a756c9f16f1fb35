import { prepareCached, type Db } from "../db/index.ts";
import { bitIndexFor } from "./bit-index.ts";
import { storedVectors } from "./stored-vectors.ts";
import {
  bestPerEntry,
  CHUNK_ROW_SQL,
  currentEntryIds,
  SAME_TEXT_SQL,
  type ChunkRow,
  type VectorHit,
} from "./chunk-scores.ts";
import { BrainError } from "../base/index.ts";
import { blobToVector, HEADS_JOIN, MeanAccumulator, signBits, storedToVector } from "./vector-math.ts";

export { chunkCount } from "./stored-vectors.ts";
export { writeEntryVectors } from "./chunk-writes.ts";
export type { ChunkVector } from "./chunk-writes.ts";
export { countPending, pendingEntries } from "./backlog.ts";

/**
 * The vector store: per-model chunk vectors (int8, for rescoring; float32 in databases not yet
 * converted), a longer one split between `chunk_heads` and `chunks` (vector-math.ts, HEAD_BYTES).
 * Their mean-centred sign bits, for the candidate scan, are in `bit_blocks`. The models, the
 * searches and the reads are here; an entry's vectors are written by chunk-writes.ts.
 */
export interface EmbeddingModel {
  id: number;
  name: string;
  dimensions: number;
  generation: number;
  mean: Float32Array | null;
  meanCount: number;
  /** From this many chunks of the model on, a new chunk keeps its residual (residuals.ts). */
  residualsFrom: number;
}

interface ModelRow {
  id: number;
  name: string;
  dimensions: number;
  generation: number;
  mean: Buffer | null;
  mean_count: number;
  residuals_from: number;
}

const toModel = (row: ModelRow): EmbeddingModel => ({
  id: row.id,
  name: row.name,
  dimensions: row.dimensions,
  generation: row.generation,
  mean: row.mean ? blobToVector(row.mean) : null,
  meanCount: row.mean_count,
  residualsFrom: row.residuals_from,
});

export function getModel(db: Db, name: string): EmbeddingModel | null {
  const row = prepareCached<[string], ModelRow>(db, "SELECT * FROM embedding_models WHERE name = ?").get(
    name,
  );
  return row ? toModel(row) : null;
}

export function listModels(db: Db): EmbeddingModel[] {
  return prepareCached<[], ModelRow>(db, "SELECT * FROM embedding_models ORDER BY id").all().map(toModel);
}

/**
 * The model row for `name`, created with its bit index on first use. Call inside a write
 * transaction. A model that changed its vector length is refused: its old vectors would no
 * longer compare with new ones.
 */
export function ensureModel(db: Db, name: string, dimensions: number, now: number): EmbeddingModel {
  const existing = getModel(db, name);
  if (existing) {
    if (existing.dimensions !== dimensions) {
      throw new BrainError(
        "embedding_invalid",
        `The model ${name} now returns ${dimensions}-dimensional vectors; its stored vectors have ${existing.dimensions}.`,
        {
          hint: "Remove its old vectors and embed every memory again with `brain embed --reset`.",
        },
      );
    }
    return existing;
  }
  db.prepare("INSERT INTO embedding_models(name, dimensions, created_at) VALUES (?, ?, ?)").run(
    name,
    dimensions,
    now,
  );
  return getModel(db, name)!;
}

/**
 * Components read by rescoring per search: 150 candidates at 1024-d. On the bench's vectors, of
 * the top 10 that rescoring every vector finds, 100 candidates found 0.983 at 10k chunks (where
 * half of a query's top 10 are notes of neighbouring sub-topics, many about as near) and 150 all
 * (100 queries); at 100k 100 found all. A model with shorter vectors has fewer sign bits to pick
 * candidates by (100 at 100-d), so it gets more candidates for the same work: on the Cranfield
 * eval collection (100-d word vectors), recall@10 against exact float32 went from 0.965 with 200
 * candidates to 0.995 with 2,048, and is 0.995 with 1,024 too (float32 with 200 had 0.969).
 */
const RESCORE_COMPONENTS = 150 * 1024;

/**
 * One candidate per this many chunks, when that is more than the rest give: the more chunks, the
 * more of them lie about as close to a query as its true nearest ten, and the more of those
 * differ from them in the sign bits. At a million chunks of the bench's vectors (about 500 notes
 * a sub-topic), of the top 10 that rescoring every vector finds, 200 candidates found 0.78, 300
 * 0.93 and 500 all (30 queries); at 100k, 50 found 0.986 and 100 all.
 */
const CHUNKS_PER_CANDIDATE = 2000;

/**
 * Chunks scored again with their residuals (residuals.ts) for a search of `k`: the 10th best of
 * int8's cosines is within its rounding (about 1e-4) of the true 10th, and at a million chunks of
 * the bench's vectors the 40th lies further below the 10th than that.
 */
const refined = (k: number) => Math.max(4 * k, 40);

/** Never fewer candidates than this, whatever the vectors' length. */
const MIN_CANDIDATES = 100;

/**
 * Nearest entries to `query`: a Hamming scan of the sign bits for `candidates` chunks, then the
 * cosine on their stored vectors, best chunk per entry. 150 candidates at 1024-d (15x the default
 * k of 10, 3x a hybrid list of 50) keep recall@10 against an exact float32 search at 0.99 or more
 * in `npm run bench` up to 100k chunks, more above (CHUNKS_PER_CANDIDATE). Each candidate costs a
 * seek into `chunk_heads` and `chunks` and a cosine: about 3 µs at 10k, 4.5 µs at 100k.
 */
export function nearest(
  db: Db,
  model: EmbeddingModel,
  query: Float32Array,
  k: number,
  candidates?: number,
): VectorHit[] {
  const index = bitIndexFor(db, model);
  const count =
    candidates ??
    Math.max(
      k * 2,
      // Longer vectors have more bits to choose by, but none longer than 1,024-d was measured.
      MIN_CANDIDATES,
      Math.ceil(RESCORE_COMPONENTS / model.dimensions),
      Math.ceil(index.size / CHUNKS_PER_CANDIDATE),
    );
  const ids = index.nearest(signBits(query, model.mean), Math.max(k, count));
  const rows = chunkRows(db, ids);
  // An entry's chunks are written together, from one text: one hash an entry.
  const hashes = new Map(rows.map((r) => [r.entry_id, r.hash]));
  return currentHits(db, bestPerEntry(db, rows, query, refined(k)), hashes, k);
}

/**
 * The best `k` of `hits` whose vectors were made from their entry's text as it is now
 * (currentEntryIds, with the hashes the chunks were read with): checked on the winners, k at a
 * time, not on every candidate rescored. On all 150 candidates, the check cost about 0.2 ms a
 * search at 100k entries.
 */
function currentHits(db: Db, hits: VectorHit[], hashes: Map<number, string>, k: number): VectorHit[] {
  const kept: VectorHit[] = [];
  for (let from = 0; from < hits.length && kept.length < k; from += k) {
    const batch = hits.slice(from, from + k);
    const current = currentEntryIds(
      db,
      batch.map((h) => ({ entryId: h.entryId, hash: hashes.get(h.entryId)! })),
    );
    kept.push(...batch.filter((h) => current.has(h.entryId)));
  }
  return kept.slice(0, k);
}

/**
 * The rows of the given chunks, to rescore (chunks of a text since edited included: `nearest`
 * leaves them out of what it returns). The ids go to SQLite in ascending order: it reads them in
 * that order anyway, and sorted it builds its list faster (0.75 -> 0.62 ms for 150 at 10k).
 */
function chunkRows(db: Db, chunkIds: number[]): ChunkRow[] {
  if (chunkIds.length === 0) return [];
  return prepareCached<[string], ChunkRow>(
    db,
    `SELECT ${CHUNK_ROW_SQL} FROM chunks c ${HEADS_JOIN} WHERE c.id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify([...chunkIds].sort((a, b) => a - b)));
}

/**
 * Exact cosine over every chunk of the model whose entry passes `filterSql` (alias `e`) and has the
 * text the chunk was made from (SAME_TEXT_SQL).
 */
export function exactScan(
  db: Db,
  model: EmbeddingModel,
  query: Float32Array,
  k: number,
  filter: { sql: string; params: Record<string, unknown> } = { sql: "1", params: {} },
): VectorHit[] {
  const rows = prepareCached<Record<string, unknown>, ChunkRow>(
    db,
    `SELECT ${CHUNK_ROW_SQL} FROM chunks c JOIN entries e ON e.id = c.entry_id ${HEADS_JOIN}
     WHERE c.model_id = @model AND ${filter.sql} AND ${SAME_TEXT_SQL}`,
  ).all({ ...filter.params, model: model.id });
  return bestPerEntry(db, rows, query, refined(k)).slice(0, k);
}

/** How many chunk vectors are stored, of every model. */
export function countAllChunks(db: Db): number {
  return prepareCached<[], { n: number }>(db, "SELECT count(*) AS n FROM chunks").get()!.n;
}

/** Every chunk vector of the model, in pages, for re-centring without holding them all. */
export function* allVectors(
  db: Db,
  model: EmbeddingModel,
  page = 5000,
): Generator<{ id: number; vector: Float32Array }> {
  let after = 0;
  for (;;) {
    const rows = storedVectors(db, model.id, after, Number.MAX_SAFE_INTEGER, page);
    for (const row of rows) yield { id: row.id, vector: storedToVector(row.stored, model.dimensions) };
    if (rows.length < page) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** The mean of every stored vector of the model. */
export function computeMean(db: Db, model: EmbeddingModel): { mean: Float32Array; count: number } {
  const acc = new MeanAccumulator(model.dimensions);
  for (const { vector } of allVectors(db, model)) acc.add(vector);
  return { mean: acc.mean(), count: acc.count };
}
