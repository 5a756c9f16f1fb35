import { chunkText } from "./chunking.ts";
import type { Db } from "../db/index.ts";
import { acquireEmbedLock } from "./lock.ts";
import type { EmbedEgress } from "../privacy/index.ts";
import type { EnrichOutcome } from "../enrich/index.ts";
import { BrainError, toBrainError, type Embedder } from "../base/index.ts";
import { isUsableVector, normalize } from "./vector-math.ts";
import {
  countPending,
  ensureModel,
  getModel,
  nearest,
  pendingEntries,
  writeEntryVectors,
  type ChunkVector,
  type EmbeddingModel,
} from "./vectors.ts";
import { activateIfComplete, recentreIfStale } from "./vector-models.ts";
import { convertVectors, upkeepVectors, vacuumWhenQuiet } from "./vector-convert.ts";

export interface EmbedReport {
  model: string;
  embedded: number;
  chunks: number;
  /** Edited while being embedded: left for the next pass. */
  skipped: number;
  failed: number;
  /** Still waiting after this pass (not counting `withheld`). */
  pending: number;
  /** #private entries never sent to this embedder because it is not on this machine. */
  withheld?: number;
  errors: { entry_id?: number; code: string; message: string }[];
  /** The model search uses after this pass. */
  active_model: string | null;
  /** Stored float32 vectors converted to int8 in this pass (databases from before 0.13). */
  converted: number;
  ms: number;
  /** What the enrichment run after the pass did, when it is on (see enrich-job.ts). */
  enrichment?: EnrichOutcome;
}

export type EmbedEvent =
  | { event: "start"; model: string; pending: number }
  | { event: "progress"; done: number; total: number }
  | { event: "error"; entry_id?: number; code: string; message: string }
  | { event: "done"; report: EmbedReport };

/** Writes an embedded entry's nearest neighbours (semantic graph edges) inside the write transaction. */
export type NeighbourWriter = (entryId: number, neighbours: { id: number; similarity: number }[]) => void;

export interface EmbedOptions {
  embedder: Embedder;
  now: () => number;
  /** Entries per model call and per write transaction. */
  batchSize?: number;
  signal?: AbortSignal;
  onEvent?: (event: EmbedEvent) => void;
  writeNeighbours?: NeighbourWriter;
  /** The privacy gate when the embedder is not on this machine (egress-embed.ts). */
  egress?: EmbedEgress;
  /** Embed only this entry (if it is waiting), e.g. right after it was captured. */
  entryId?: number;
  /** Runs after the pass while the embedder's lock is still held (enrichment). */
  afterPass?: (report: EmbedReport) => Promise<void>;
}

interface Prepared {
  id: number;
  hash: string;
  chunks: ChunkVector[];
}

/**
 * One pass of the background embedder: every entry without vectors for the model (or whose text
 * changed) is chunked, embedded in batches outside any transaction, then written in a short
 * IMMEDIATE transaction that re-checks the content hash. One embedder runs at a time.
 *
 * @example
 * const report = await embedPass(db, dbPath, { embedder, now: () => Date.now() });
 */
export async function embedPass(db: Db, dbPath: string, options: EmbedOptions): Promise<EmbedReport> {
  const release = acquireEmbedLock(dbPath);
  try {
    const report = await runPass(db, options);
    await options.afterPass?.(report);
    return report;
  } finally {
    release();
  }
}

async function runPass(db: Db, options: EmbedOptions): Promise<EmbedReport> {
  const started = performance.now();
  const { embedder } = options;
  const only = options.entryId;
  const batchSize = only === undefined ? Math.max(1, options.batchSize ?? 32) : 1;
  let model = getModel(db, embedder.model);
  const total = countPending(db, model);
  const report: EmbedReport = {
    model: embedder.model,
    ...{
      embedded: 0,
      chunks: 0,
      skipped: 0,
      failed: 0,
      pending: total,
      errors: [],
      active_model: null,
      converted: convertVectors(db),
      ms: 0,
    },
  };
  const emit = options.onEvent ?? (() => {});
  const fail = (code: string, message: string, entryId?: number) => {
    report.errors.push({ ...(entryId ? { entry_id: entryId } : {}), code, message });
    emit({ event: "error", ...(entryId ? { entry_id: entryId } : {}), code, message });
  };
  emit({ event: "start", model: embedder.model, pending: total });
  let afterId = only === undefined ? 0 : only - 1;
  let withheld = 0;
  for (;;) {
    const found = pendingEntries(db, model, afterId, batchSize).filter(
      (e) => only === undefined || e.id === only,
    );
    if (found.length === 0) break;
    afterId = found[found.length - 1]!.id;
    const held = options.egress?.withheld(found.map((e) => e.id)) ?? new Set<number>();
    const batch = found.filter((e) => !held.has(e.id));
    withheld += held.size;
    if (batch.length === 0) {
      if (only !== undefined) break;
      continue;
    }
    const settle = options.egress?.record(
      batch.map((e) => e.id),
      batch.reduce((sum, e) => sum + Buffer.byteLength(e.text, "utf8"), 0),
    );
    let prepared: Prepared[];
    try {
      prepared = await embedBatch(embedder, batch, options.signal, (id, err) => {
        report.failed++;
        fail(err.code, err.message, id);
      });
      settle?.(true);
    } catch (err) {
      settle?.(false);
      // Ollama down, timing out or missing the model: nothing more can be done in this pass.
      const error = toBrainError(err, "ollama_bad_response");
      fail(error.code, error.sentence);
      break;
    }
    if (prepared.length === 0) continue;
    const written = db
      .transaction(() => {
        const target = ensureModel(db, embedder.model, prepared[0]!.chunks[0]!.vector.length, options.now());
        return prepared.filter((item) => {
          if (!writeEntryVectors(db, target, item.id, item.hash, item.chunks)) return false;
          report.chunks += item.chunks.length;
          return true;
        });
      })
      .immediate();
    model = getModel(db, embedder.model);
    // Neighbours are read after the vectors are in (so entries of one batch, and of the very
    // first pass, find each other), outside any transaction; the edges go in a second short one.
    if (options.writeNeighbours && model && written.length > 0) {
      const neighbours = findNeighbours(db, model, written);
      db.transaction(() => {
        for (const [id, near] of neighbours) options.writeNeighbours!(id, near);
      }).immediate();
    }
    report.embedded += written.length;
    report.skipped += prepared.length - written.length;
    emit({ event: "progress", done: report.embedded + report.failed + report.skipped, total });
    if (model) model = recentreIfStale(db, model);
    if (only !== undefined) break;
  }
  report.pending = countPending(db, model) - withheld;
  if (options.egress) report.withheld = withheld;
  report.active_model = activateIfComplete(db, embedder.model, report.pending);
  upkeepVectors(db, report.active_model);
  await vacuumWhenQuiet(db);
  report.ms = Math.round(performance.now() - started);
  emit({ event: "done", report });
  return report;
}

/**
 * Embeds a batch; when the model rejects it as a whole, tries each entry alone to isolate the bad
 * ones. If every entry fails alone too, the model is at fault, not the entries: the error stops the pass.
 */
async function embedBatch(
  embedder: Embedder,
  batch: { id: number; text: string; hash: string }[],
  signal: AbortSignal | undefined,
  onFailed: (id: number, err: BrainError) => void,
): Promise<Prepared[]> {
  try {
    return await embedEntries(embedder, batch, signal);
  } catch (err) {
    if (!isPerEntryFault(err)) throw err;
  }
  const prepared: Prepared[] = [];
  const failures: [number, BrainError][] = [];
  for (const entry of batch) {
    try {
      prepared.push(...(await embedEntries(embedder, [entry], signal)));
    } catch (err) {
      if (!isPerEntryFault(err)) throw err;
      failures.push([entry.id, toBrainError(err)]);
    }
  }
  if (prepared.length === 0 && failures.length > 1) throw failures[0]![1];
  for (const [id, err] of failures) onFailed(id, err);
  return prepared;
}

function isPerEntryFault(err: unknown): boolean {
  return (
    err instanceof BrainError && (err.code === "embedding_invalid" || err.code === "ollama_bad_response")
  );
}

async function embedEntries(
  embedder: Embedder,
  batch: { id: number; text: string; hash: string }[],
  signal: AbortSignal | undefined,
): Promise<Prepared[]> {
  const chunked = batch.map((entry) => ({ entry, chunks: chunkText(entry.text) }));
  const texts = chunked.flatMap(({ chunks }) => chunks.map((c) => c.text));
  const vectors = await embedder.embed(texts, { signal });
  if (vectors.length !== texts.length) {
    throw new BrainError(
      "embedding_invalid",
      `The model returned ${vectors.length} vectors for ${texts.length} texts.`,
    );
  }
  let next = 0;
  return chunked.map(({ entry, chunks }) => ({
    id: entry.id,
    hash: entry.hash,
    chunks: chunks.map((chunk) => {
      const vector = normalize(Float32Array.from(vectors[next++]!));
      if (!isUsableVector(vector)) {
        throw new BrainError(
          "embedding_invalid",
          `The model returned an unusable vector for entry ${entry.id}.`,
        );
      }
      return { seq: chunk.seq, start: chunk.start, end: chunk.end, vector };
    }),
  }));
}

/** The nearest other embedded entries of each newly embedded entry. */
function findNeighbours(
  db: Db,
  model: EmbeddingModel,
  prepared: Prepared[],
): Map<number, { id: number; similarity: number }[]> {
  const result = new Map<number, { id: number; similarity: number }[]>();
  if (model.dimensions !== prepared[0]?.chunks[0]?.vector.length) return result;
  for (const item of prepared) {
    const hits = nearest(db, model, item.chunks[0]!.vector, 8).filter((h) => h.entryId !== item.id);
    result.set(
      item.id,
      hits.map((h) => ({ id: h.entryId, similarity: h.similarity })),
    );
  }
  return result;
}
