import { spawn } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { embedPass } from "../src/core/embedder.ts";
import { keywordSearch } from "../src/core/keyword.ts";
import type { Embedder } from "../src/core/ports.ts";
import { QueryVectorCache } from "../src/core/query-cache.ts";
import { search } from "../src/core/search.ts";
import { normalize } from "../src/core/vector-math.ts";
import { recentreIfStale } from "../src/core/vector-models.ts";
import { ensureModel, exactScan, getModel, nearest, writeEntryVectors } from "../src/core/vectors.ts";
import { ROOT, formatMs, percentile, row, seeded, timeRuns, type Row } from "./lib.ts";
import type { BenchDb } from "./store.ts";

const DIM = 1024;
const MODEL = "bench-1024";

/**
 * Unit vectors shaped like embeddings of one person's notes: 64 topics, each with 32 sub-topics
 * (notes about the same thing), a shared offset (real models' dimensions have non-zero means,
 * which is what the bit index's mean-centring removes), and per-note noise.
 */
export function clusteredVectors(count: number, seed = 3): Float32Array[] {
  const random = seeded(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const noise = (scale: number) => Float32Array.from({ length: DIM }, () => gauss() * scale);
  const topics = Array.from({ length: 64 }, () => noise(1));
  const subtopics = topics.map(() => Array.from({ length: 32 }, () => noise(0.8)));
  const offset = noise(0.8);
  return Array.from({ length: count }, () => {
    const t = Math.floor(random() * topics.length);
    const topic = topics[t]!;
    const sub = subtopics[t]![Math.floor(random() * 32)]!;
    return normalize(
      Float32Array.from({ length: DIM }, (_, i) => topic[i]! + sub[i]! + offset[i]! + gauss() * 0.6),
    );
  });
}

/** Writes one vector per entry of the bench database, then centres the bit index once. */
export function loadVectors(db: BenchDb): Float32Array[] {
  const vectors = clusteredVectors(db.size);
  const handle = db.brain.db;
  const ids = handle.prepare("SELECT id, hash FROM entries ORDER BY id").all() as {
    id: number;
    hash: string;
  }[];
  for (let i = 0; i < ids.length; i += 2000) {
    handle
      .transaction(() => {
        const model = ensureModel(handle, MODEL, DIM, Date.now());
        for (let j = i; j < Math.min(ids.length, i + 2000); j++) {
          const { id, hash } = ids[j]!;
          writeEntryVectors(handle, model, id, hash, [
            { seq: 0, start: 0, end: 1, vector: vectors[j % vectors.length]! },
          ]);
        }
      })
      .immediate();
  }
  recentreIfStale(handle, getModel(handle, MODEL)!);
  handle
    .prepare(
      "INSERT INTO meta(name, value) VALUES ('embed_model_active', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
    )
    .run(MODEL);
  return vectors;
}

function queries(vectors: Float32Array[], count: number): Float32Array[] {
  const random = seeded(11);
  return Array.from({ length: count }, () => {
    const base = vectors[Math.floor(random() * vectors.length)]!;
    return normalize(Float32Array.from(base, (x) => x + (random() - 0.5) * 0.02));
  });
}

/** Vector and hybrid search, recall against exact float search, the reference design and the scan floor. */
export async function benchVectors(db: BenchDb): Promise<{ rows: Row[]; ratios: string[] }> {
  const size = db.size.toLocaleString("en");
  const vectors = loadVectors(db);
  const handle = db.brain.db;
  const model = getModel(handle, MODEL)!;
  const qs = queries(vectors, 200);
  const rows: Row[] = [];
  const vectorTimes = await timeRuns(200, (i) => nearest(handle, model, qs[i]!, 10));
  rows.push(
    row(
      "vector search (bit scan + exact rescoring), k=10",
      size,
      vectorTimes,
      db.size >= 100_000 ? "<= half the float floor" : "<= the float floor",
    ),
  );
  const words = ["postgres", "billing", "meeting", "deploy", "cache"];
  // The query's vector comes from a stub that answers at once: the model's own time is not ours.
  const embedder: Embedder = {
    model: MODEL,
    embed: async (texts) => texts.map((t) => qs[Number(t.split(" ")[1]) % qs.length]!),
  };
  const deps = {
    db: handle,
    configuredModel: MODEL,
    embedderFor: () => embedder,
    cache: new QueryVectorCache(),
  };
  const hybridTimes = await timeRuns(200, (i) =>
    search(deps, `${words[i % words.length]} ${i}`, { limit: 10 }),
  );
  rows.push(
    row(
      "hybrid search, limit 10 (keyword 50 + vector 50, RRF)",
      size,
      hybridTimes,
      db.size >= 100_000 ? "p50 <= 10 ms" : "p50 <= 2 ms",
    ),
  );
  const recall = recallAt10(handle, model, qs.slice(0, 50));
  const reference = referenceDesign(db, vectors, qs.slice(0, 30), words);
  const floor = await timeRuns(5, () => scanFloor(vectors), 1);
  rows.push(row("reference design: exact float[1024] vec0 (default settings) + FTS5", size, reference));
  rows.push(row("floor: read every float vector once from memory", size, floor));
  const overhead = await embedderOverhead(db);
  rows.push(row("embedder overhead per entry (no model time)", size, [overhead]));
  const ratios = [
    `${size}: recall@10 vs exact float search ${recall.toFixed(3)} (goal >= 0.98)`,
    `${size}: vector p50 / float-scan floor p50 = ${(percentile(vectorTimes, 50) / percentile(floor, 50)).toFixed(3)}`,
    `${size}: reference design p50 / hybrid p50 = ${(percentile(reference, 50) / percentile(hybridTimes, 50)).toFixed(1)}x`,
  ];
  return { rows, ratios };
}

function recallAt10(
  handle: Database.Database,
  model: NonNullable<ReturnType<typeof getModel>>,
  qs: Float32Array[],
): number {
  let found = 0;
  for (const q of qs) {
    const exact = new Set(exactScan(handle, model, q, 10).map((h) => h.entryId));
    found += nearest(handle, model, q, 10).filter((h) => exact.has(h.entryId)).length;
  }
  return found / (qs.length * 10);
}

/** The reference design, in the same run: a plain connection, float[1024] vec0 KNN plus an FTS5 query. */
function referenceDesign(
  db: BenchDb,
  vectors: Float32Array[],
  qs: Float32Array[],
  words: string[],
): number[] {
  const file = path.join(path.dirname(db.dbPath), "reference.db");
  const ref = new Database(file);
  sqliteVec.load(ref);
  ref.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS vec_ref USING vec0(embedding float[${DIM}])`);
  const insert = ref.prepare("INSERT INTO vec_ref(rowid, embedding) VALUES (?, ?)");
  ref
    .transaction(() => vectors.forEach((v, i) => insert.run(BigInt(i + 1), Buffer.from(v.buffer))))
    .immediate();
  ref.close();
  const conn = new Database(file, { readonly: true });
  sqliteVec.load(conn);
  const knn = conn.prepare("SELECT rowid, distance FROM vec_ref WHERE embedding MATCH ? AND k = 10");
  const times: number[] = [];
  for (let i = 0; i < qs.length; i++) {
    const start = performance.now();
    knn.all(Buffer.from(qs[i]!.buffer));
    keywordSearch(db.brain.db, words[i % words.length]!, { limit: 10 });
    times.push(performance.now() - start);
  }
  conn.close();
  return times;
}

function scanFloor(vectors: Float32Array[]): number {
  let sum = 0;
  for (const v of vectors) for (let i = 0; i < v.length; i++) sum += v[i]!;
  return sum;
}

/** A pass over 2,000 changed entries with an embedder that answers at once: what the pass itself costs. */
async function embedderOverhead(db: BenchDb): Promise<number> {
  const handle = db.brain.db;
  handle.prepare("UPDATE entries SET text = text || ' (edited)', hash = hash || 'x' WHERE id <= 2000").run();
  const instant = clusteredVectors(64, 99);
  const embedder: Embedder = { model: MODEL, embed: async (texts) => texts.map((_, i) => instant[i % 64]!) };
  const start = performance.now();
  const report = await embedPass(handle, db.dbPath, { embedder, now: () => Date.now(), batchSize: 64 });
  return (performance.now() - start) / Math.max(1, report.embedded);
}

/**
 * The longest a capture in another process waits while the embedder writes: a child captures in
 * a loop and reports its slowest capture, while this process runs an embedder pass.
 */
export async function captureStallDuringEmbed(db: BenchDb): Promise<Row> {
  const handle = db.brain.db;
  handle.prepare("UPDATE entries SET text = text || ' (again)', hash = hash || 'y' WHERE id <= 5000").run();
  const child = spawn(process.execPath, [path.join(ROOT, "bench", "capture-loop.ts"), db.dbPath], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  await new Promise((r) => setTimeout(r, 300));
  const instant = clusteredVectors(64, 98);
  const embedder: Embedder = { model: MODEL, embed: async (texts) => texts.map((_, i) => instant[i % 64]!) };
  await embedPass(handle, db.dbPath, { embedder, now: () => Date.now(), batchSize: 64 });
  child.kill("SIGTERM");
  await new Promise((r) => child.on("close", r));
  const times = out.trim().split("\n").filter(Boolean).map(Number);
  return row(
    `capture wait in another process while the embedder writes (max ${formatMs(Math.max(...times))})`,
    db.size.toLocaleString("en"),
    times,
    "max < 100 ms",
  );
}
