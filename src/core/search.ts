import type { Db } from "./db/open.ts";
import { clampLimit, entriesById, type Entry, type Kind } from "./entries.ts";
import type { SearchFilters } from "./filters.ts";
import { expandWithNeighbours, type GraphHop } from "./graph-expand.ts";
import { keywordDetails, rankKeyword, type KeywordRank } from "./keyword.ts";
import { systemClock, type Clock } from "./ports.ts";
import { understandQuery, type QueryUnderstanding } from "./query-intent.ts";
import {
  describeUnderstanding,
  hasTopic,
  idsInWindow,
  KIND_BOOST,
  kindsOf,
  recentInWindow,
  windowFilters,
  type Understood,
} from "./search-intent.ts";
import { semanticSearch, type SemanticDeps } from "./semantic.ts";
import { withFeedback } from "./feedback.ts";
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

/** Where a result was found and at what rank (1 is best), so a person can see why it is there. */
export interface ResultRanks {
  keyword?: number;
  semantic?: number;
}

export interface SearchResult extends Entry {
  /** The raw ranking score: BM25 (keyword alone), cosine similarity (meaning alone) or fused RRF. */
  score: number;
  /** The score a person sees, in [0, 1] (see `relevanceFor`; a graph neighbour: its link strength). */
  relevance?: number;
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
  const fused = fuse(deps.db, lists.keyword, lists.semantic, limit, {
    extra: lists.extra,
    kinds: understood?.kinds,
  });
  return {
    mode,
    ...(lists.model ? { model: lists.model } : {}),
    notices: lists.notices,
    ...shown,
    results: fused,
  };
}

interface RankedLists {
  keyword: KeywordRank[];
  semantic: VectorHit[];
  /** Lists restricted to the understood time window: found again there, ranked higher. */
  extra: number[][];
  model?: string;
  notices: string[];
}

/**
 * The ranked lists a search fuses. With a time understood, each list's entries inside the window
 * form one more list (a soft boost: entries outside keep their place, those inside are counted
 * twice); a question with a time and no topic lists the window's entries, preferred kinds first.
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
  if (understood && !hasTopic(keywordText)) {
    // Nothing to match: the time and the kind are all there is to rank by.
    const within = understood.time ? window : options;
    const extra = within ? [recentInWindow(deps.db, within, understood.kinds ?? [], depth)] : [];
    return { keyword: [], semantic: [], extra, notices: [] };
  }
  const keyword =
    mode === "semantic"
      ? []
      : withFeedback(
          deps.db,
          keywordText,
          rankKeyword(deps.db, keywordText, { ...options, limit: depth }),
          options.prefix === true,
          (text) => rankKeyword(deps.db, text, { ...options, limit: depth }),
        );
  const lists = { keyword, semantic: [] as VectorHit[], extra: [] as number[][], notices: [] as string[] };
  if (mode !== "keyword" && semanticText.trim() !== "") {
    const semantic = await semanticSearch(deps, semanticText, { ...options, limit: depth });
    if (semantic.hits === null) {
      lists.notices.push(mode === "hybrid" ? `${semantic.notice} Showing keyword results.` : semantic.notice);
    } else {
      Object.assign(lists, { semantic: semantic.hits, model: semantic.model });
    }
  }
  if (window) {
    const ids = [keyword.map((k) => k.id), lists.semantic.map((h) => h.entryId)];
    const inside = idsInWindow(deps.db, ids.flat(), window);
    lists.extra = ids.map((list) => list.filter((id) => inside.has(id))).filter((list) => list.length > 0);
  }
  return lists;
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
 * Reciprocal rank fusion of the two lists, plus any `extra` lists (the same searches inside an
 * understood time window), entries of the preferred `kinds` scoring {@link KIND_BOOST} times more.
 * A list alone keeps its own order and scores. Entries and snippets are read for the `limit`
 * winners only. `relevance` is the score a person sees, in [0, 1]: see {@link relevanceFor}.
 */
export function fuse(
  db: Db,
  keyword: KeywordRank[],
  semantic: VectorHit[],
  limit: number,
  boost: { extra?: number[][]; kinds?: readonly Kind[] } = {},
): SearchResult[] {
  const keywordById = new Map(keyword.map((hit) => [hit.id, hit]));
  const vectorById = new Map(semantic.map((hit) => [hit.entryId, hit]));
  const extra = boost.extra ?? [];
  const ranked = boostKinds(
    db,
    reciprocalRankFusion([keyword.map((hit) => hit.id), semantic.map((hit) => hit.entryId), ...extra]),
    boost.kinds,
  ).slice(0, limit);
  const single = (keyword.length === 0 || semantic.length === 0) && extra.length === 0 && !boost.kinds;
  const details = keywordDetails(
    db,
    ranked.flatMap(({ id }) => keywordById.get(id) ?? []),
  );
  const entries = entriesById(
    db,
    ranked.filter(({ id }) => !details.has(id)).map(({ id }) => id),
  );
  const relevance = relevanceFor(keyword, semantic, extra.length > 0 || boost.kinds !== undefined);
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
    const shown = relevance(score);
    return [
      {
        ...entry,
        score,
        relevance: shown,
        snippet,
        ranks,
        ...(vector ? { similarity: vector.similarity } : {}),
      },
    ];
  });
}

function boostKinds<T extends { id: number; score: number }>(
  db: Db,
  fused: T[],
  kinds?: readonly Kind[],
): T[] {
  if (!kinds || kinds.length === 0) return fused;
  const kindById = kindsOf(
    db,
    fused.map((f) => f.id),
  );
  return fused
    .map((f) => (kinds.includes(kindById.get(f.id) ?? "note") ? { ...f, score: f.score * KIND_BOOST } : f))
    .sort((a, b) => b.score - a.score);
}

/**
 * The score a person sees, in [0, 1], for the raw `score` of a result:
 * - meaning alone: the cosine similarity;
 * - keywords alone: BM25 over the best BM25 of this search (1 = the best match here), since raw BM25
 *   shrinks toward 0 on a small collection;
 * - fused: the RRF score over that of an entry first in both lists (1 = first by keyword and by
 *   meaning; capped at 1 when a time or kind boost lifts it further).
 */
export function relevanceFor(
  keyword: KeywordRank[],
  semantic: VectorHit[],
  boosted: boolean,
): (score: number) => number {
  const round = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;
  if (!boosted && semantic.length === 0) {
    const best = Math.max(...keyword.map((k) => k.score), Number.MIN_VALUE);
    return (score) => round(score / best);
  }
  if (!boosted && keyword.length === 0) return (score) => round(score);
  return (score) => round(score / (2 / (RRF_K + 1)));
}

/** About 200 characters of the text from `start`, cut at word boundaries. */
export function excerpt(text: string, start: number, length = 200): string {
  const from = start > 0 ? text.indexOf(" ", start) + 1 || start : 0;
  const slice = text.slice(from, from + length);
  const cut = slice.length === length ? slice.replace(/\s+\S*$/, "") : slice;
  return `${from > 0 ? "…" : ""}${cut}${from + cut.length < text.length ? "…" : ""}`;
}
