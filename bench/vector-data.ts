// Embedding-shaped vectors for the bench, made as a stream, and the exact float32 answers to
// compare vector search with.
import { normalize } from "../src/core/embed/vector-math.ts";
import { sealBitBlocks } from "../src/core/embed/bit-blocks.ts";
import { recentreIfStale } from "../src/core/embed/vector-models.ts";
import { ensureModel, getModel, writeEntryVectors } from "../src/core/embed/vectors.ts";
import { seeded } from "./lib.ts";
import type { BenchDb } from "./store.ts";

export const DIM = 1024;
export const MODEL = "bench-1024";

/**
 * Unit vectors shaped like embeddings of one person's notes: 64 topics, each with 32 sub-topics
 * (notes about the same thing), a shared offset (real models' dimensions have non-zero means,
 * which is what the bit index's mean-centring removes), and per-note noise. Made one at a time, so
 * a million of them never sit in memory together.
 */
export function* vectorStream(count: number, seed = 3): Generator<Float32Array> {
  const random = seeded(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const noise = (scale: number) => Float32Array.from({ length: DIM }, () => gauss() * scale);
  const topics = Array.from({ length: 64 }, () => noise(1));
  const subtopics = topics.map(() => Array.from({ length: 32 }, () => noise(0.8)));
  const offset = noise(0.8);
  for (let n = 0; n < count; n++) {
    const t = Math.floor(random() * topics.length);
    const topic = topics[t]!;
    const sub = subtopics[t]![Math.floor(random() * 32)]!;
    yield normalize(
      Float32Array.from({ length: DIM }, (_, i) => topic[i]! + sub[i]! + offset[i]! + gauss() * 0.6),
    );
  }
}

export function clusteredVectors(count: number, seed = 3): Float32Array[] {
  return [...vectorStream(count, seed)];
}

/** Query vectors: stored vectors moved a little, so each has a known neighbourhood. */
interface QueryPlan {
  base: number[];
  noise: Float32Array[];
}

function planQueries(size: number, count: number): QueryPlan {
  const random = seeded(11);
  const plan: QueryPlan = { base: [], noise: [] };
  for (let i = 0; i < count; i++) {
    plan.base.push(Math.floor(random() * size));
    plan.noise.push(Float32Array.from({ length: DIM }, () => (random() - 0.5) * 0.02));
  }
  return plan;
}

export interface LoadedVectors {
  queries: Float32Array[];
  /** Every vector, kept only up to 100k (the reference design and the float floor need them). */
  all: Float32Array[] | null;
}

/** Writes one vector per entry of the bench database, then centres the bit index once. */
export function loadVectors(db: BenchDb, queryCount = 200): LoadedVectors {
  const handle = db.brain.db;
  const ids = handle.prepare("SELECT id, hash FROM entries ORDER BY id").all() as {
    id: number;
    hash: string;
  }[];
  const plan = planQueries(db.size, queryCount);
  const bases = new Map<number, Float32Array>();
  const wanted = new Set(plan.base);
  const all: Float32Array[] | null = db.size <= 100_000 ? [] : null;
  // Entries captured by earlier sections (beyond db.size) get vectors of a second stream.
  const stream = concatStreams(vectorStream(db.size), vectorStream(ids.length - db.size, 5));
  for (let i = 0; i < ids.length; i += 2000) {
    handle
      .transaction(() => {
        const model = ensureModel(handle, MODEL, DIM, Date.now());
        for (let j = i; j < Math.min(ids.length, i + 2000); j++) {
          const vector = stream.next().value as Float32Array;
          if (wanted.has(j)) bases.set(j, vector);
          all?.push(vector);
          const { id, hash } = ids[j]!;
          writeEntryVectors(handle, model, id, hash, [{ seq: 0, start: 0, end: 1, vector }]);
        }
      })
      .immediate();
  }
  recentreIfStale(handle, getModel(handle, MODEL)!);
  sealBitBlocks(handle, getModel(handle, MODEL)!);
  handle
    .prepare(
      "INSERT INTO meta(name, value) VALUES ('embed_model_active', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
    )
    .run(MODEL);
  const queries = plan.base.map((b, i) =>
    normalize(Float32Array.from(bases.get(b)!, (x, d) => x + plan.noise[i]![d]!)),
  );
  return { queries, all };
}

/** Each query's exact float32 answer: its top 10 entries and cosines, and the cosines of `scored`. */
export interface ExactAnswer {
  top: Set<number>;
  /** The 10th best cosine. */
  tenth: number;
  /** The exact cosine of each of the entries asked for. */
  scored: Map<number, number>;
}

/**
 * The exact float32 top 10 entries of each query, over the vectors as generated (the database
 * keeps int8 ones): a second pass over the same stream, so nothing large is held. `scored[k]`
 * are entries whose exact cosine to query k is wanted too (what a search returned).
 */
export function exactTop10(
  db: BenchDb,
  qs: Float32Array[],
  scored: readonly (readonly number[])[] = [],
): ExactAnswer[] {
  const ids = db.brain.db.prepare("SELECT id FROM entries ORDER BY id").pluck().all() as number[];
  const tops = qs.map(() => [] as { id: number; s: number }[]);
  const wanted = qs.map((_, k) => new Set(scored[k] ?? []));
  const scores = qs.map(() => new Map<number, number>());
  let j = 0;
  for (const v of concatStreams(vectorStream(db.size), vectorStream(ids.length - db.size, 5))) {
    const id = ids[j++]!;
    qs.forEach((q, k) => {
      let s = 0;
      for (let d = 0; d < DIM; d++) s += q[d]! * v[d]!;
      if (wanted[k]!.has(id)) scores[k]!.set(id, s);
      const top = tops[k]!;
      if (top.length < 10 || s > top[top.length - 1]!.s) {
        top.push({ id, s });
        top.sort((a, b) => b.s - a.s);
        if (top.length > 10) top.pop();
      }
    });
  }
  return tops.map((top, k) => ({
    top: new Set(top.map((t) => t.id)),
    tenth: top[top.length - 1]?.s ?? -Infinity,
    scored: scores[k]!,
  }));
}

function* concatStreams<T>(...streams: Iterable<T>[]): Generator<T> {
  for (const stream of streams) yield* stream;
}
