import { deleteMeta, readMeta, writeMeta, type Db } from "../db/index.ts";
import { sealBitBlocks } from "./bit-blocks.ts";
import { vectorToBlob } from "./vector-math.ts";
import {
  chunkCount,
  computeMean,
  countPending,
  getModel,
  listModels,
  type EmbeddingModel,
} from "./vectors.ts";
import { floatVectorCount } from "./vector-convert.ts";

const ACTIVE_KEY = "embed_model_active";

/** Re-centre while the corpus is young: when it has grown 4x since the mean was taken, up to 50k. */
const RECENTRE_GROWTH = 4;
const RECENTRE_CAP = 50_000;

/**
 * The model search should use: the active one (its vectors are complete), else the configured
 * one if it has any vectors yet, else none. A model change therefore never makes search go dark:
 * the old model stays active until the new one has every entry.
 */
export function searchModel(db: Db, configured: string): EmbeddingModel | null {
  const active = readMeta(db, ACTIVE_KEY);
  const activeModel = active !== undefined ? getModel(db, active) : null;
  if (activeModel) return activeModel;
  const model = getModel(db, configured);
  return model && chunkCount(db, model) > 0 ? model : null;
}

/**
 * Makes `name` the active model once nothing is pending for it, then removes other models'
 * vectors. Returns the active model's name.
 */
export function activateIfComplete(db: Db, name: string, pending: number): string | null {
  const model = getModel(db, name);
  if (model && pending === 0) {
    writeMeta(db, ACTIVE_KEY, name);
    for (const other of listModels(db)) if (other.id !== model.id) dropModel(db, other);
  }
  return readMeta(db, ACTIVE_KEY) ?? null;
}

/** Deletes a model's vectors in short transactions, so captures never wait long behind it. */
export function dropModel(db: Db, model: EmbeddingModel): void {
  const page = db.prepare(
    "DELETE FROM chunks WHERE id IN (SELECT id FROM chunks WHERE model_id = ? LIMIT 2000)",
  );
  while (db.transaction(() => page.run(model.id).changes).immediate() > 0);
  db.prepare("DELETE FROM embedding_models WHERE id = ?").run(model.id);
}

/**
 * Removes a model's vectors and its record (`brain embed --reset`), so that every entry waits
 * for it again; search uses keywords alone until the model has vectors again. Returns how many
 * vectors were removed.
 */
export function resetModel(db: Db, name: string): number {
  const model = getModel(db, name);
  if (!model) return 0;
  const removed = chunkCount(db, model);
  dropModel(db, model);
  if (readMeta(db, ACTIVE_KEY) === name) deleteMeta(db, ACTIVE_KEY);
  return removed;
}

/**
 * Takes a fresh mean when the model's vectors have outgrown the mean their sign bits were taken
 * around: records it and bumps the generation (which makes every process reload its bit index,
 * and retires the blocks of the old generation), then seals the blocks again around the new mean,
 * one short transaction per block. No bits are stored per chunk (migration 014), so nothing else
 * is rewritten; a process that loads before the blocks are sealed takes the bits from the vectors.
 */
export function recentreIfStale(db: Db, model: EmbeddingModel): EmbeddingModel {
  const count = chunkCount(db, model);
  const stale =
    model.mean === null || (count >= model.meanCount * RECENTRE_GROWTH && model.meanCount < RECENTRE_CAP);
  if (!stale || count === 0) return model;
  const { mean, count: meanCount } = computeMean(db, model);
  db.prepare(
    "UPDATE embedding_models SET generation = generation + 1, mean = ?, mean_count = ? WHERE id = ?",
  ).run(vectorToBlob(mean), meanCount, model.id);
  const recentred = getModel(db, model.name)!;
  sealBitBlocks(db, recentred);
  return recentred;
}

export interface ModelStatus {
  name: string;
  dimensions: number;
  chunks: number;
  pending: number;
  active: boolean;
  /** Vectors still stored as float32, to be converted to int8 by the next `brain embed`. */
  float32_vectors: number;
  /** From this many vectors on, the model's new vectors keep their residuals (residuals.ts). */
  residuals_from: number;
}

/** Per-model counts for `brain status`. */
export function modelStatus(db: Db, configured: string): { models: ModelStatus[]; pending: number } {
  const active = searchModel(db, configured);
  const models = listModels(db).map((m) => ({
    name: m.name,
    dimensions: m.dimensions,
    chunks: chunkCount(db, m),
    pending: countPending(db, m),
    active: active?.id === m.id,
    float32_vectors: floatVectorCount(db, m),
    residuals_from: m.residualsFrom,
  }));
  return { models, pending: countPending(db, getModel(db, configured)) };
}
