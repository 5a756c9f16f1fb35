import { prepareCached, type Db } from "../db/index.ts";
import { cosineWithResidual, readResiduals } from "./residuals.ts";
import {
  cosineToStored,
  HEADS_JOIN,
  MeanAccumulator,
  normalize,
  STORED_SQL,
  storedToVector,
} from "./vector-math.ts";

/** The model fields these reads need (vectors.ts `EmbeddingModel`). */
interface StoredModel {
  id: number;
  dimensions: number;
}

export interface VectorHit {
  entryId: number;
  /** Cosine similarity of the entry's best chunk to the query (vectors are unit length). */
  similarity: number;
  /** Where in the entry's text the best chunk starts and ends. */
  start: number;
  end: number;
}

/**
 * A chunk's place in its entry, the first 16 characters of the hash of the text it was made from,
 * and its whole stored vector (vector-math.ts, STORED_SQL).
 */
export interface ChunkRow {
  id: number;
  entry_id: number;
  start: number;
  end: number;
  hash: string;
  stored: Buffer;
}

/** The columns of a {@link ChunkRow}, for a query over `chunks c` joined with HEADS_JOIN. */
export const CHUNK_ROW_SQL = `c.id, c.entry_id, c.start, c.end, substr(c.hash, 1, 16) AS hash, ${STORED_SQL} AS stored`;

/**
 * True when chunk `c` was made from the text entry `e` has now: a chunk keeps the first 16
 * characters of its text's hash (all 64 before migration 014; both compare).
 */
export const SAME_TEXT_SQL = "substr(e.hash, 1, 16) = substr(c.hash, 1, 16)";

/**
 * True when chunk `c` was made from its entry's text as it is now. An edited entry keeps its old
 * vectors until the embedder's next pass; meanwhile they must not find it by what it no longer
 * says (keyword search finds it by what it says). Checked on the chunks or entries a search
 * returns, never by a scan: one seek into entries_hash (the hash's first 16 characters, then the
 * id: migration 014) that never reads the entry's row, whose text may fill overflow pages.
 */
export const CURRENT_CHUNK_SQL = `EXISTS (SELECT 1 FROM entries e WHERE ${SAME_TEXT_SQL} AND e.id = c.entry_id)`;

/**
 * Which of the entries still have the text their chunks were made from (`hash`: the chunks' first
 * 16 characters, read with them): one seek an entry into entries_hash, which holds the hash's
 * first 16 characters and the id (a covering index; the entry's row is not read).
 */
export function currentEntryIds(db: Db, chunks: readonly { entryId: number; hash: string }[]): Set<number> {
  if (chunks.length === 0) return new Set();
  const rows = prepareCached<[string], { id: number }>(
    db,
    `SELECT json_extract(j.value, '$[0]') AS id FROM json_each(?) AS j
     WHERE EXISTS (SELECT 1 FROM entries e WHERE substr(e.hash, 1, 16) = json_extract(j.value, '$[1]')
                   AND e.id = json_extract(j.value, '$[0]'))`,
  ).all(JSON.stringify(chunks.map((c) => [c.entryId, c.hash])));
  return new Set(rows.map((r) => r.id));
}

/**
 * The best chunk per entry by cosine, best first. The cosine is taken here, on the stored bytes:
 * sqlite-vec's int8 distance has one scale per vector, and int8 with a scale per 16 components
 * is what keeps recall@10 at 0.99 against float32 (vector-math.ts, INT8_BLOCK). The `refine` best
 * chunks are scored again with their residuals, where they have one (residuals.ts).
 */
export function bestPerEntry(db: Db, rows: ChunkRow[], query: Float32Array, refine: number): VectorHit[] {
  const scores = rows.map((row) => cosineToStored(query, row.stored, query.length));
  refineScores(db, rows, scores, query, refine);
  const best = new Map<number, VectorHit>();
  rows.forEach(({ entry_id: entryId, start, end }, i) => {
    const similarity = scores[i]!;
    const seen = best.get(entryId);
    if (!seen || similarity > seen.similarity) best.set(entryId, { entryId, similarity, start, end });
  });
  return [...best.values()].sort((a, b) => b.similarity - a.similarity);
}

/**
 * Scores the `count` best of `rows` again with their residuals (the chunks that have none keep
 * their int8 cosine): one seek each into `chunk_residuals`, and a cosine in JavaScript (2.4 µs at
 * 1024-d, where the int8 one in WebAssembly takes 0.3), so only the few that can reach the top are
 * refined.
 */
function refineScores(db: Db, rows: ChunkRow[], scores: number[], query: Float32Array, count: number): void {
  const all = rows.map((_, i) => i);
  const best = count < rows.length ? all.sort((a, b) => scores[b]! - scores[a]!).slice(0, count) : all;
  const residuals = readResiduals(
    db,
    best.map((i) => rows[i]!.id),
  );
  for (const i of best) {
    const residual = residuals.get(rows[i]!.id);
    if (!residual) continue;
    const refined = cosineWithResidual(query, rows[i]!.stored, residual, query.length);
    if (!Number.isNaN(refined)) scores[i] = refined;
  }
}

/**
 * The current chunks (CURRENT_CHUNK_SQL) of the model belonging to `entryIds`, in no order: a seek
 * per entry on (entry, model).
 */
function entryChunks(db: Db, model: StoredModel, entryIds: readonly number[]): ChunkRow[] {
  if (entryIds.length === 0) return [];
  return prepareCached<[string, number], ChunkRow>(
    db,
    `SELECT ${CHUNK_ROW_SQL} FROM json_each(?) AS ids
     CROSS JOIN chunks c ON c.entry_id = ids.value AND c.model_id = ? ${HEADS_JOIN}
     WHERE ${CURRENT_CHUNK_SQL}`,
  ).all(JSON.stringify(entryIds), model.id);
}

/** Exact cosine of the given entries' chunks to the query, best chunk per entry, best first. */
export function rescoreEntries(
  db: Db,
  model: StoredModel,
  query: Float32Array,
  entryIds: readonly number[],
): VectorHit[] {
  const rows = entryChunks(db, model, entryIds);
  return bestPerEntry(db, rows, query, rows.length);
}

/**
 * The direction of each of `entryIds` that has vectors of the model: the mean of its chunks, unit
 * length. Hybrid search steers its meaning query with the best keyword matches'
 * (search/semantic.ts).
 */
export function entryVectors(db: Db, model: StoredModel, entryIds: readonly number[]): Float32Array[] {
  const byEntry = new Map<number, MeanAccumulator>();
  for (const { entry_id: entryId, stored } of entryChunks(db, model, entryIds)) {
    let acc = byEntry.get(entryId);
    if (!acc) byEntry.set(entryId, (acc = new MeanAccumulator(model.dimensions)));
    acc.add(storedToVector(stored, model.dimensions));
  }
  return [...byEntry.values()].map((acc) => normalize(acc.mean()));
}
