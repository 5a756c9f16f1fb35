import type { Db } from "../db/index.ts";
import { toBrainError, type BrainErrorCode, type Embedder } from "../base/index.ts";
import { filterSql, hasFilters, idsPassing, type SearchFilters } from "../store/index.ts";
import type { QueryVectorCache } from "./query-cache.ts";
import {
  isUsableVector,
  normalize,
  searchModel,
  entryVectors,
  rescoreEntries,
  exactScan,
  nearest,
  type EmbeddingModel,
  type VectorHit,
} from "../embed/index.ts";

export interface SemanticDeps {
  db: Db;
  /** The embedding model in the configuration (search may still use the previous one). */
  configuredModel: string;
  /** An embedder for a model name: the query must be embedded by the model the vectors came from. */
  embedderFor: (model: string) => Embedder;
  cache: QueryVectorCache;
}

/**
 * Hybrid search steers the meaning query towards its best keyword matches (pseudo-relevance
 * feedback across the two lists): the query vector plus `STEER_WEIGHT` times the mean direction of
 * the first `STEER_DOCS` keyword results, made unit length again. The words a question shares with
 * a note pull in the notes that say the same in other words. Chosen by a sweep over 1-5 documents
 * and weights 0.2-1.0 on the eval's lists (wink vectors): 3 and 0.3 lie inside the range where no
 * question type of the notes set loses and Cranfield gains; a weight of 1.0 drags meaning questions
 * towards their wrong keyword matches. `npm run eval`: notes hybrid recall@10 0.676 -> 0.686
 * (meaning questions 0.288 -> 0.327), Cranfield hybrid nDCG@10 0.334 -> 0.348.
 */
export const STEER_DOCS = 3;
export const STEER_WEIGHT = 0.3;

export type SemanticOutcome =
  | {
      hits: VectorHit[];
      model: string;
      /**
       * When the query was steered: the similarity of each of the given entries to the question as
       * asked, for the results shown (a hit's own similarity is to the steered query).
       */
      asAsked?: (entryIds: number[]) => Map<number, number>;
    }
  | { hits: null; unavailable: MeaningUnavailable };

/** Why meaning search could not run: the error's code and its sentence, shown as a notice. */
export interface MeaningUnavailable {
  code: BrainErrorCode;
  message: string;
}

/**
 * Entries nearest in meaning to the query, or why meaning search is unavailable
 * (no vectors yet, Ollama down) so the caller can fall back to keywords and tell the person.
 */
export async function semanticSearch(
  deps: SemanticDeps,
  query: string,
  options: SearchFilters & { limit: number; signal?: AbortSignal; steer?: readonly number[] },
): Promise<SemanticOutcome> {
  const model = searchModel(deps.db, deps.configuredModel);
  if (!model) {
    const message =
      "Meaning search has no vectors yet: run `brain embed` (the background job does it every 5 minutes).";
    return { hits: null, unavailable: { code: "not_found", message } };
  }
  let vector = deps.cache.get(model.name, query);
  if (!vector) {
    try {
      const [raw] = await deps.embedderFor(model.name).embed([query], { signal: options.signal });
      vector = normalize(Float32Array.from(raw ?? []));
    } catch (err) {
      const error = toBrainError(err);
      return {
        hits: null,
        unavailable: { code: error.code, message: `Meaning search is unavailable: ${error.sentence}` },
      };
    }
    if (!isUsableVector(vector) || vector.length !== model.dimensions) {
      const message = `Meaning search is unavailable: ${model.name} returned an unusable query vector.`;
      return { hits: null, unavailable: { code: "ollama_bad_response", message } };
    }
    deps.cache.set(model.name, query, vector);
  }
  const steered = steerTowards(deps.db, model, vector, options.steer ?? []);
  const hits = nearestFiltered(deps.db, model, steered, options);
  if (steered === vector) return { hits, model: model.name };
  const asked = vector;
  return { hits, model: model.name, asAsked: (ids) => similarities(deps.db, model, asked, ids) };
}

/**
 * Each entry's similarity (best chunk) to `query`: what `ask`'s relevance floor and a person read,
 * so it must not be inflated by the keyword matches the query was steered towards. Read for the
 * results shown only (one seek per entry).
 */
function similarities(
  db: Db,
  model: EmbeddingModel,
  query: Float32Array,
  ids: number[],
): Map<number, number> {
  return new Map(rescoreEntries(db, model, query, ids).map((h) => [h.entryId, h.similarity]));
}

/**
 * The query vector moved towards the first {@link STEER_DOCS} of `entryIds` (those with vectors):
 * plus {@link STEER_WEIGHT} times their mean direction, unit length. Unchanged without any.
 */
export function steerTowards(
  db: Db,
  model: EmbeddingModel,
  query: Float32Array,
  entryIds: readonly number[],
): Float32Array {
  const toward = entryVectors(db, model, entryIds.slice(0, STEER_DOCS));
  if (toward.length === 0) return query;
  const moved = Float32Array.from(query);
  for (const v of toward)
    for (let i = 0; i < moved.length; i++) moved[i]! += (STEER_WEIGHT * v[i]!) / toward.length;
  return normalize(moved);
}

/** Filters apply after the candidate scan; when too few survive, an exact scan of the filtered set. */
function nearestFiltered(
  db: Db,
  model: Parameters<typeof nearest>[1],
  vector: Float32Array,
  options: SearchFilters & { limit: number },
): VectorHit[] {
  if (!hasFilters(options)) return nearest(db, model, vector, options.limit);
  const hits = nearest(db, model, vector, options.limit * 20, options.limit * 60);
  const allowed = idsPassing(
    db,
    hits.map((h) => h.entryId),
    options,
  );
  const kept = hits.filter((h) => allowed.has(h.entryId));
  return kept.length >= options.limit
    ? kept.slice(0, options.limit)
    : exactScan(db, model, vector, options.limit, filterSql(options));
}
