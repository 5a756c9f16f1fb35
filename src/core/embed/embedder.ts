import type { Db } from "../db/index.ts";
import { acquireEmbedLock } from "./lock.ts";
import type { EmbedEgress } from "../privacy/index.ts";
import type { EnrichOutcome } from "../enrich/index.ts";
import { toBrainError, type Embedder } from "../base/index.ts";
import { tidyKeywordIndex } from "../store/index.ts";
import { embedBatch, findNeighbours, type Prepared } from "./embed-batch.ts";
import {
  countPending,
  ensureModel,
  getModel,
  pendingEntries,
  writeEntryVectors,
  type EmbeddingModel,
} from "./vectors.ts";
import { activateIfComplete, recentreIfStale, resetModel } from "./vector-models.ts";
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
  /** The model's vectors removed before the pass (`reset`). */
  removed?: number;
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
  /**
   * First remove the model's stored vectors (`brain embed --reset`): when the model now gives
   * vectors of another length, the old ones no longer compare, and every entry is embedded again.
   */
  reset?: boolean;
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
    const removed = options.reset ? resetModel(db, options.embedder.model) : undefined;
    const report = await runPass(db, options, removed);
    await options.afterPass?.(report);
    return report;
  } finally {
    release();
  }
}

/** The state of one pass: its report, where the scan of waiting entries stands, the model. */
interface Pass {
  db: Db;
  options: EmbedOptions;
  report: EmbedReport;
  total: number;
  /** The one entry to embed, when `entryId` was given. */
  only: number | undefined;
  batchSize: number;
  model: EmbeddingModel | null;
  afterId: number;
  withheld: number;
  emit: (event: EmbedEvent) => void;
}

async function runPass(db: Db, options: EmbedOptions, removed: number | undefined): Promise<EmbedReport> {
  const started = performance.now();
  const pass = startPass(db, options, removed);
  // Nothing waits (usually known without a scan: backlog.ts, countPending): no batch to look for.
  for (; pass.total > 0 || pass.only !== undefined; ) {
    const batch = nextBatch(pass);
    if (batch === null) break;
    if (batch.length === 0) {
      if (pass.only !== undefined) break;
      continue;
    }
    const prepared = await embedAndRecord(pass, batch);
    if (prepared === null) break;
    if (prepared.length === 0) continue;
    writePrepared(pass, prepared);
    if (pass.only !== undefined) break;
  }
  return finishPass(pass, started);
}

function startPass(db: Db, options: EmbedOptions, removed: number | undefined): Pass {
  const only = options.entryId;
  const model = getModel(db, options.embedder.model);
  const total = countPending(db, model, { remember: true });
  const report: EmbedReport = {
    model: options.embedder.model,
    ...{ embedded: 0, chunks: 0, skipped: 0, failed: 0, pending: total, errors: [], active_model: null },
    converted: convertVectors(db),
    ...(removed === undefined ? {} : { removed }),
    ms: 0,
  };
  const emit = options.onEvent ?? (() => {});
  emit({ event: "start", model: options.embedder.model, pending: total });
  return {
    ...{ db, options, report, total, only, model, emit, withheld: 0 },
    batchSize: only === undefined ? Math.max(1, options.batchSize ?? 32) : 1,
    afterId: only === undefined ? 0 : only - 1,
  };
}

function fail(pass: Pass, code: string, message: string, entryId?: number): void {
  pass.report.errors.push({ ...(entryId ? { entry_id: entryId } : {}), code, message });
  pass.emit({ event: "error", ...(entryId ? { entry_id: entryId } : {}), code, message });
}

/** The next waiting entries the gate lets go (possibly none), or null when none are left. */
function nextBatch(pass: Pass): { id: number; text: string; hash: string }[] | null {
  const found = pendingEntries(pass.db, pass.model, pass.afterId, pass.batchSize).filter(
    (e) => pass.only === undefined || e.id === pass.only,
  );
  if (found.length === 0) return null;
  pass.afterId = found[found.length - 1]!.id;
  const held = pass.options.egress?.withheld(found.map((e) => e.id)) ?? new Set<number>();
  pass.withheld += held.size;
  return found.filter((e) => !held.has(e.id));
}

/**
 * Embeds a batch; when it leaves the machine, each request is recorded in the ledger first
 * (embed-batch.ts, through the gate's `record`). Null stops the pass.
 */
async function embedAndRecord(
  pass: Pass,
  batch: { id: number; text: string; hash: string }[],
): Promise<Prepared[] | null> {
  const { embedder, signal, egress } = pass.options;
  try {
    return await embedBatch(embedder, batch, { signal, egress }, (id, err) => {
      pass.report.failed++;
      fail(pass, err.code, err.message, id);
    });
  } catch (err) {
    // Ollama down, timing out or missing the model: nothing more can be done in this pass.
    const error = toBrainError(err, "ollama_bad_response");
    fail(pass, error.code, error.sentence);
    return null;
  }
}

/** Writes the vectors in one short transaction (re-checking each hash), then the neighbours. */
function writePrepared(pass: Pass, prepared: Prepared[]): void {
  const { db, options, report } = pass;
  const written = db
    .transaction(() => {
      const target = ensureModel(
        db,
        options.embedder.model,
        prepared[0]!.chunks[0]!.vector.length,
        options.now(),
      );
      return prepared.filter((item) => {
        if (!writeEntryVectors(db, target, item.id, item.hash, item.chunks)) return false;
        report.chunks += item.chunks.length;
        return true;
      });
    })
    .immediate();
  pass.model = getModel(db, options.embedder.model);
  // Neighbours are read after the vectors are in (so entries of one batch, and of the very
  // first pass, find each other), outside any transaction; the edges go in a second short one.
  if (options.writeNeighbours && pass.model && written.length > 0) {
    const neighbours = findNeighbours(db, pass.model, written);
    db.transaction(() => {
      for (const [id, near] of neighbours) options.writeNeighbours!(id, near);
    }).immediate();
  }
  report.embedded += written.length;
  report.skipped += prepared.length - written.length;
  pass.emit({ event: "progress", done: report.embedded + report.failed + report.skipped, total: pass.total });
  if (pass.model) pass.model = recentreIfStale(db, pass.model);
}

async function finishPass(pass: Pass, started: number): Promise<EmbedReport> {
  const { db, report } = pass;
  report.pending = countPending(db, pass.model, { remember: true }) - pass.withheld;
  if (pass.options.egress) report.withheld = pass.withheld;
  report.active_model = activateIfComplete(db, pass.options.embedder.model, report.pending);
  tidyKeywordIndex(db);
  upkeepVectors(db, report.active_model);
  await vacuumWhenQuiet(db);
  report.ms = Math.round(performance.now() - started);
  pass.emit({ event: "done", report });
  return report;
}
