import type { Db } from "./db/open.ts";
import { clampLimit, type Entry } from "./entries.ts";
import type { SearchFilters } from "./filters.ts";
import { keywordSearch } from "./keyword.ts";

export const SEARCH_MODES = ["hybrid", "keyword", "semantic"] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

export interface SearchOptions extends SearchFilters {
  mode?: SearchMode;
  limit?: number;
  /** Treat the last word as a prefix: search as you type. */
  prefix?: boolean;
}

/** Where a result was found and at what rank (1 is best), so a person can see why it is there. */
export interface ResultRanks {
  keyword?: number;
  semantic?: number;
}

export interface SearchResult extends Entry {
  score: number;
  /** A fragment with the matching words in **bold** (the start of the text when found by meaning). */
  snippet: string;
  ranks: ResultRanks;
}

export interface SearchResponse {
  results: SearchResult[];
  mode: SearchMode;
  /** Things a person should know about this answer, e.g. that meaning search was unavailable. */
  notices: string[];
}

/**
 * Searches the memory. Keyword mode is FTS5 with BM25.
 *
 * @example
 * search(db, "pnpm", { mode: "keyword" }).results[0]?.id
 */
export function search(db: Db, query: string, options: SearchOptions = {}): SearchResponse {
  const limit = clampLimit(options.limit, 10, 1000);
  const hits = keywordSearch(db, query, { ...options, limit });
  return {
    mode: "keyword",
    notices: [],
    results: hits.map((hit, i) => ({
      ...hit.entry,
      score: hit.score,
      snippet: hit.snippet,
      ranks: { keyword: i + 1 },
    })),
  };
}
