import type { Db } from "../db/index.ts";
import { toBrainError, type Embedder } from "../base/index.ts";
import { filterSql, hasFilters, idsPassing, type SearchFilters } from "../store/index.ts";
import type { QueryVectorCache } from "./query-cache.ts";
import {
  isUsableVector,
  normalize,
  searchModel,
  exactScan,
  nearest,
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

export type SemanticOutcome = { hits: VectorHit[]; model: string } | { hits: null; notice: string };

/**
 * Entries nearest in meaning to the query, or a notice saying why meaning search is unavailable
 * (no vectors yet, Ollama down) so the caller can fall back to keywords and tell the person.
 */
export async function semanticSearch(
  deps: SemanticDeps,
  query: string,
  options: SearchFilters & { limit: number; signal?: AbortSignal },
): Promise<SemanticOutcome> {
  const model = searchModel(deps.db, deps.configuredModel);
  if (!model) {
    return {
      hits: null,
      notice:
        "Meaning search has no vectors yet: run `brain embed` (the background job does it every 5 minutes).",
    };
  }
  let vector = deps.cache.get(model.name, query);
  if (!vector) {
    try {
      const [raw] = await deps.embedderFor(model.name).embed([query], { signal: options.signal });
      vector = normalize(Float32Array.from(raw ?? []));
    } catch (err) {
      return { hits: null, notice: `Meaning search is unavailable: ${toBrainError(err).sentence}` };
    }
    if (!isUsableVector(vector) || vector.length !== model.dimensions) {
      return {
        hits: null,
        notice: `Meaning search is unavailable: ${model.name} returned an unusable query vector.`,
      };
    }
    deps.cache.set(model.name, query, vector);
  }
  return { hits: nearestFiltered(deps.db, model, vector, options), model: model.name };
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
