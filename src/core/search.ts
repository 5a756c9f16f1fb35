import type { Db } from "./db/open.ts";
import { clampLimit, entriesById, type Entry } from "./entries.ts";
import type { SearchFilters } from "./filters.ts";
import { expandWithNeighbours, type GraphHop } from "./graph-expand.ts";
import { keywordDetails, rankKeyword, type KeywordRank } from "./keyword.ts";
import { semanticSearch, type SemanticDeps } from "./semantic.ts";
import type { VectorHit } from "./vectors.ts";

export const SEARCH_MODES = ["hybrid", "keyword", "semantic"] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** Reciprocal rank fusion constant: 60 is the published default and held up in our eval. */
export const RRF_K = 60;
/** How deep each list is read before fusing. */
export const LIST_DEPTH = 50;

export interface SearchOptions extends SearchFilters {
  mode?: SearchMode;
  limit?: number;
  /** Treat the last word as a prefix: search as you type. */
  prefix?: boolean;
  /** Follow one hop of the graph: linked memories of the results, ranked below direct hits. */
  graph?: boolean;
}

/** Where a result was found and at what rank (1 is best), so a person can see why it is there. */
export interface ResultRanks {
  keyword?: number;
  semantic?: number;
}

export interface SearchResult extends Entry {
  score: number;
  /** A fragment with the matching words in **bold** (the start of the best chunk when found by meaning). */
  snippet: string;
  ranks: ResultRanks;
  /** Cosine similarity to the query when found by meaning. */
  similarity?: number;
  /** Set when the result came in through the graph: the direct hit it is linked to, and how. */
  graph?: GraphHop;
}

export interface SearchResponse {
  results: SearchResult[];
  mode: SearchMode;
  /** The embedding model the semantic list came from, when it ran. */
  model?: string;
  /** Things a person should know about this answer, e.g. that meaning search was unavailable. */
  notices: string[];
}

/**
 * Searches the memory: keyword (FTS5, BM25), semantic (vectors), or hybrid (both, fused by
 * reciprocal rank, each result keeping its rank in each list); with `graph`, plus one hop of
 * linked memories ranked below the direct hits. When meaning search is
 * unavailable, hybrid falls back to keywords and says so in `notices`.
 *
 * @example
 * const { results } = await search(deps, "how does AI remember things", { mode: "hybrid" });
 */
export async function search(
  deps: SemanticDeps,
  query: string,
  options: SearchOptions = {},
): Promise<SearchResponse> {
  const response = await searchLists(deps, query, options);
  if (!options.graph || response.results.length === 0) return response;
  const { kind, tag, since, until } = options;
  const results = expandWithNeighbours(deps.db, response.results, { filters: { kind, tag, since, until } });
  return { ...response, results };
}

async function searchLists(
  deps: SemanticDeps,
  query: string,
  options: SearchOptions,
): Promise<SearchResponse> {
  const limit = clampLimit(options.limit, 10, 1000);
  const mode = options.mode ?? "hybrid";
  const depth = Math.max(limit, LIST_DEPTH);
  const keyword =
    mode === "semantic"
      ? []
      : rankKeyword(deps.db, query, { ...options, limit: mode === "keyword" ? limit : depth });
  if (mode === "keyword") return { mode, notices: [], results: fuse(deps.db, keyword, [], limit) };
  if (query.trim() === "") return { mode, notices: [], results: [] };
  const semantic = await semanticSearch(deps, query, {
    ...options,
    limit: mode === "semantic" ? limit : depth,
  });
  if (semantic.hits === null) {
    const notice = mode === "hybrid" ? `${semantic.notice} Showing keyword results.` : semantic.notice;
    return { mode, notices: [notice], results: fuse(deps.db, keyword, [], limit) };
  }
  return { mode, model: semantic.model, notices: [], results: fuse(deps.db, keyword, semantic.hits, limit) };
}

/**
 * Reciprocal rank fusion of the two lists (a list alone keeps its own order and scores). Entries
 * and snippets are read for the `limit` winners only.
 */
export function fuse(db: Db, keyword: KeywordRank[], semantic: VectorHit[], limit: number): SearchResult[] {
  const byId = new Map<
    number,
    { score: number; ranks: ResultRanks; keyword?: KeywordRank; vector?: VectorHit }
  >();
  const slot = (id: number) => {
    let s = byId.get(id);
    if (!s) byId.set(id, (s = { score: 0, ranks: {} }));
    return s;
  };
  keyword.forEach((hit, i) => {
    const s = slot(hit.id);
    s.score += 1 / (RRF_K + i + 1);
    s.ranks.keyword = i + 1;
    s.keyword = hit;
  });
  semantic.forEach((hit, i) => {
    const s = slot(hit.entryId);
    s.score += 1 / (RRF_K + i + 1);
    s.ranks.semantic = i + 1;
    s.vector = hit;
  });
  const single = keyword.length === 0 || semantic.length === 0;
  const ranked = [...byId.entries()].sort((a, b) => b[1].score - a[1].score).slice(0, limit);
  const details = keywordDetails(
    db,
    ranked.flatMap(([, s]) => s.keyword ?? []),
  );
  const entries = entriesById(
    db,
    ranked.filter(([id]) => !details.has(id)).map(([id]) => id),
  );
  return ranked.flatMap(([id, s]) => {
    const hit = details.get(id);
    const entry = hit?.entry ?? entries.get(id);
    if (!entry) return [];
    const score = single ? (s.keyword ? s.keyword.score : s.vector!.similarity) : s.score;
    const snippet = hit?.snippet ?? excerpt(entry.text, s.vector?.start ?? 0);
    return [
      { ...entry, score, snippet, ranks: s.ranks, ...(s.vector ? { similarity: s.vector.similarity } : {}) },
    ];
  });
}

/** About 200 characters of the text from `start`, cut at word boundaries. */
export function excerpt(text: string, start: number, length = 200): string {
  const from = start > 0 ? text.indexOf(" ", start) + 1 || start : 0;
  const slice = text.slice(from, from + length);
  const cut = slice.length === length ? slice.replace(/\s+\S*$/, "") : slice;
  return `${from > 0 ? "…" : ""}${cut}${from + cut.length < text.length ? "…" : ""}`;
}
