import type { Db } from "./db/open.ts";
import { clampLimit, entriesById, type Entry } from "./entries.ts";
import type { SearchFilters } from "./filters.ts";
import { expandWithNeighbours, type GraphHop } from "./graph-expand.ts";
import { keywordDetails, rankKeyword, type KeywordRank } from "./keyword.ts";
import { semanticSearch, type SemanticDeps } from "./semantic.ts";
import type { VectorHit } from "./vectors.ts";

export const SEARCH_MODES = ["hybrid", "keyword", "semantic"] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/**
 * Reciprocal rank fusion constant. 60 is the published default; `npm run eval -- --sweep` found 5
 * better on both collections (notes recall@10 0.563 -> 0.576, nDCG@10 0.442 -> 0.458; Cranfield
 * recall@10 0.323 -> 0.358, nDCG@10 0.295 -> 0.326): a small k lets the top of either list win,
 * where a large one rewards entries both lists found somewhere in their depth.
 */
export const RRF_K = 5;
/** How deep each list is read before fusing. */
export const LIST_DEPTH = 50;

export interface SearchOptions extends SearchFilters {
  mode?: SearchMode;
  limit?: number;
  /** Treat the last word as a prefix: search as you type. */
  prefix?: boolean;
  /** Follow one hop of the graph: linked memories of the results, ranked below direct hits. */
  graph?: boolean;
  /** Cancels the query's embedding request (a superseded keystroke in search-as-you-type). */
  signal?: AbortSignal;
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
 * Reciprocal rank fusion: each id scores the sum of 1 / (k + rank) over the lists it is in, best
 * first (ties keep first-seen order). `ranks[i]` is its 1-based rank in list i, undefined when absent.
 *
 * @example
 * reciprocalRankFusion([[7, 3], [3]]) // [{ id: 3, ranks: [2, 1], ... }, { id: 7, ranks: [1, undefined], ... }]
 */
export function reciprocalRankFusion(
  lists: readonly (readonly number[])[],
  k = RRF_K,
): { id: number; score: number; ranks: (number | undefined)[] }[] {
  const byId = new Map<number, { id: number; score: number; ranks: (number | undefined)[] }>();
  lists.forEach((list, l) =>
    list.forEach((id, i) => {
      let s = byId.get(id);
      if (!s) byId.set(id, (s = { id, score: 0, ranks: lists.map(() => undefined) }));
      s.score += 1 / (k + i + 1);
      s.ranks[l] = i + 1;
    }),
  );
  return [...byId.values()].sort((a, b) => b.score - a.score);
}

/**
 * Reciprocal rank fusion of the two lists (a list alone keeps its own order and scores). Entries
 * and snippets are read for the `limit` winners only.
 */
export function fuse(db: Db, keyword: KeywordRank[], semantic: VectorHit[], limit: number): SearchResult[] {
  const keywordById = new Map(keyword.map((hit) => [hit.id, hit]));
  const vectorById = new Map(semantic.map((hit) => [hit.entryId, hit]));
  const ranked = reciprocalRankFusion([
    keyword.map((hit) => hit.id),
    semantic.map((hit) => hit.entryId),
  ]).slice(0, limit);
  const single = keyword.length === 0 || semantic.length === 0;
  const details = keywordDetails(
    db,
    ranked.flatMap(({ id }) => keywordById.get(id) ?? []),
  );
  const entries = entriesById(
    db,
    ranked.filter(({ id }) => !details.has(id)).map(({ id }) => id),
  );
  return ranked.flatMap(({ id, score: fused, ranks: [keywordRank, semanticRank] }) => {
    const hit = details.get(id);
    const entry = hit?.entry ?? entries.get(id);
    if (!entry) return [];
    const vector = vectorById.get(id);
    const score = single ? (keywordById.get(id)?.score ?? vector?.similarity ?? fused) : fused;
    const snippet = hit?.snippet ?? excerpt(entry.text, vector?.start ?? 0);
    const ranks: ResultRanks = {
      ...(keywordRank ? { keyword: keywordRank } : {}),
      ...(semanticRank ? { semantic: semanticRank } : {}),
    };
    return [{ ...entry, score, snippet, ranks, ...(vector ? { similarity: vector.similarity } : {}) }];
  });
}

/** About 200 characters of the text from `start`, cut at word boundaries. */
export function excerpt(text: string, start: number, length = 200): string {
  const from = start > 0 ? text.indexOf(" ", start) + 1 || start : 0;
  const slice = text.slice(from, from + length);
  const cut = slice.length === length ? slice.replace(/\s+\S*$/, "") : slice;
  return `${from > 0 ? "…" : ""}${cut}${from + cut.length < text.length ? "…" : ""}`;
}
