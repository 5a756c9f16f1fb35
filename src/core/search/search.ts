import type { Db } from "../db/index.ts";
import { clampLimit, idsInWindow, type SearchFilters } from "../store/index.ts";
import { expandWithNeighbours } from "./graph-expand.ts";
import type { SearchResult } from "./result.ts";
export type { GraphHop, ResultRanks, SearchResult } from "./result.ts";
import { rankKeyword, withShares, type KeywordRank } from "./keyword.ts";
import { systemClock, type Clock } from "../base/index.ts";
import { understandQuery, type QueryUnderstanding } from "./query-intent.ts";
import { describeUnderstanding, listingFor, windowFilters, type Understood } from "./intent.ts";
import { hasTopic } from "./topic.ts";
import { semanticSearch, type MeaningUnavailable, type SemanticDeps } from "./semantic.ts";
import { fuse } from "./fusion.ts";
import { withFeedback } from "./feedback.ts";
import { withLead } from "./lead.ts";
import type { VectorHit } from "../embed/index.ts";

export const SEARCH_MODES = ["hybrid", "keyword", "semantic"] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** How deep each list is read before fusing. */
export const LIST_DEPTH = 50;
export { reciprocalRankFusion, RRF_K } from "./fusion.ts";

export interface SearchOptions extends SearchFilters {
  mode?: SearchMode;
  limit?: number;
  /** Treat the last word as a prefix: search as you type. */
  prefix?: boolean;
  /** Follow one hop of the graph: linked memories of the results, ranked below direct hits. */
  graph?: boolean;
  /** Cancels the query's embedding request (a superseded keystroke in search-as-you-type). */
  signal?: AbortSignal;
  /**
   * Read time ("last week") and intent ("what did we decide") from the query as soft preferences
   * (default true; never while typing with `prefix`).
   */
  understand?: boolean;
}

/** What search needs: the vector side, and the clock that "last week" is read against. */
export interface SearchDeps extends SemanticDeps {
  clock?: Clock;
}

export interface SearchResponse {
  results: SearchResult[];
  mode: SearchMode;
  /** The embedding model the semantic list came from, when it ran. */
  model?: string;
  /** Things a person should know about this answer, e.g. that meaning search was unavailable. */
  notices: string[];
  /** Why meaning search could not run, when it was asked for (its sentence is also a notice). */
  meaningUnavailable?: MeaningUnavailable;
  /** The time and intent read from the query, when there were any. */
  understood?: Understood;
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
  deps: SearchDeps,
  query: string,
  options: SearchOptions = {},
): Promise<SearchResponse> {
  const response = await searchLists(deps, query, options);
  if (!options.graph || response.results.length === 0) return response;
  const { kind, tag, since, until } = options;
  const results = expandWithNeighbours(deps.db, response.results, {
    filters: { kind, tag, since, until },
    query: response.understood?.keywords ?? query,
  });
  return { ...response, results };
}

async function searchLists(deps: SearchDeps, query: string, options: SearchOptions): Promise<SearchResponse> {
  const limit = clampLimit(options.limit, 10, 1000);
  const mode = options.mode ?? "hybrid";
  // Search-as-you-type stays literal: a half-typed word is not yet a time or an intent.
  const understood =
    options.prefix || options.understand === false
      ? null
      : understandQuery(query, (deps.clock ?? systemClock).now());
  const lists = await rankLists(deps, query, understood, { ...options, mode, limit });
  const shown = understood ? { understood: describeUnderstanding(understood) } : {};
  const fused = withAskedSimilarity(
    fuse(deps.db, lists.keyword, lists.semantic, limit, {
      listed: lists.listed,
      extra: lists.extra,
      kinds: lists.kindsFirst ? undefined : understood?.kinds,
    }),
    lists.asAsked,
  );
  return {
    mode,
    ...(lists.model ? { model: lists.model } : {}),
    notices: lists.notices,
    ...(lists.meaningUnavailable ? { meaningUnavailable: lists.meaningUnavailable } : {}),
    ...shown,
    results: fused,
  };
}

interface RankedLists {
  keyword: KeywordRank[];
  semantic: VectorHit[];
  /** What fits the understood time and kinds, when the question lists it (intent.ts, `listingFor`). */
  listed: number[];
  /** Lists restricted to the understood time window: found again there, ranked higher. */
  extra: number[][];
  /** The listing already puts the preferred kinds first (a question without a topic). */
  kindsFirst?: boolean;
  /** Similarities to the question as asked, when the meaning query was steered (semantic.ts). */
  asAsked?: (entryIds: number[]) => Map<number, number>;
  model?: string;
  notices: string[];
  meaningUnavailable?: MeaningUnavailable;
}

/**
 * The ranked lists a search fuses. With a time understood, each list's entries inside the window
 * form one more list (a soft boost: entries outside keep their place, those inside are counted
 * twice); a question with a time and no topic lists the window's entries, preferred kinds first,
 * and a question that is only a time ("friday") is searched for its words as well as listed.
 */
async function rankLists(
  deps: SearchDeps,
  query: string,
  understood: QueryUnderstanding | null,
  options: SearchOptions & { mode: SearchMode; limit: number },
): Promise<RankedLists> {
  const { mode, limit } = options;
  const window = understood?.time ? windowFilters(options, understood.time) : null;
  // Read deep enough that the window's entries are among the candidates, in every mode.
  const depth = mode === "hybrid" || window ? Math.max(limit, LIST_DEPTH) : limit;
  const keywordText = understood?.keywordText ?? query;
  const semanticText = understood?.semanticText ?? query;
  const listed = understood ? listingFor(deps.db, understood, understood.time ? window : options, depth) : [];
  if (understood && !hasTopic(keywordText)) {
    // Nothing to match: the time and the kind are all there is to rank by.
    return { keyword: [], semantic: [], listed, extra: [], kindsFirst: true, notices: [] };
  }
  const keyword = mode === "semantic" ? [] : keywordList(deps.db, keywordText, { ...options, limit: depth });
  const lists: RankedLists = { keyword, semantic: [], listed, extra: [], notices: [] };
  if (mode !== "keyword" && semanticText.trim() !== "") {
    Object.assign(
      lists,
      await meaningList(deps, semanticText, keywordText, keyword, { ...options, limit: depth }),
    );
  }
  // The listing of a question that is only a time already counts the window's entries once more.
  if (window && !understood?.timeOnly)
    lists.extra = insideWindow(
      deps.db,
      [keyword.map((k) => k.id), lists.semantic.map((h) => h.entryId)],
      window,
    );
  return lists;
}

/**
 * The meaning list, steered by the best keyword matches (semantic.ts, STEER_DOCS), and the keyword
 * list with each match's share of the question's words (keyword.ts, withShares); or the notice
 * saying why meaning search is unavailable.
 */
async function meaningList(
  deps: SearchDeps,
  semanticText: string,
  keywordText: string,
  keyword: KeywordRank[],
  options: SearchOptions & { mode: SearchMode; limit: number },
): Promise<Partial<RankedLists>> {
  const steer = keyword.map((k) => k.id);
  const semantic = await semanticSearch(deps, semanticText, { ...options, steer });
  if (semantic.hits === null) {
    const { message } = semantic.unavailable;
    return {
      notices: [options.mode === "hybrid" ? `${message} Showing keyword results.` : message],
      meaningUnavailable: semantic.unavailable,
    };
  }
  return {
    // While typing the last word is a prefix: shares are for questions typed out.
    keyword: options.prefix ? keyword : withShares(deps.db, keywordText, keyword),
    semantic: semantic.hits,
    model: semantic.model,
    ...(semantic.asAsked ? { asAsked: semantic.asAsked } : {}),
  };
}

/** The results' similarities re-read against the question as asked, when the query was steered. */
function withAskedSimilarity(
  results: SearchResult[],
  asAsked: ((entryIds: number[]) => Map<number, number>) | undefined,
): SearchResult[] {
  if (!asAsked) return results;
  const asked = asAsked(results.filter((r) => r.similarity !== undefined).map((r) => r.id));
  return results.map((r) => (asked.has(r.id) ? { ...r, similarity: asked.get(r.id)! } : r));
}

/** Keyword ranks, with pseudo-relevance feedback and documents' leads for long questions. */
function keywordList(db: Db, text: string, options: SearchOptions & { limit: number }): KeywordRank[] {
  const typing = options.prefix === true;
  const ranks = withFeedback(db, text, rankKeyword(db, text, options), typing, (more) =>
    rankKeyword(db, more, options),
  );
  return withLead(db, text, ranks, typing);
}

/** Each list's entries inside the window, in the list's order; empty lists left out. */
function insideWindow(db: Db, ids: number[][], window: SearchFilters): number[][] {
  const inside = idsInWindow(db, ids.flat(), window);
  return ids.map((list) => list.filter((id) => inside.has(id))).filter((list) => list.length > 0);
}
