import type { Db } from "../db/index.ts";
import { entriesPassing, ftsWordCounts, type SearchFilters } from "../store/index.ts";
import { buildFtsQuery } from "./fts-query.ts";
import { hopsFromEntry } from "../graph/index.ts";
import type { GraphHop, SearchResult } from "./result.ts";

/** A memory that search found through the graph rather than by matching the query. */
export type NeighbourResult = SearchResult & { graph: GraphHop };

export interface ExpandOptions {
  /** How many neighbours to add in all; 5 by default. */
  limit?: number;
  /** How many neighbours one result may bring; 3 by default. */
  perResult?: number;
  /** The search's filters: a neighbour must pass them too. */
  filters?: SearchFilters;
  /**
   * The query: the turn before or after a hit in its conversation comes along only when it shares
   * a word with it. Without a query, such turns come like any other link.
   */
  query?: string;
}

interface Candidate {
  id: number;
  from: number;
  reason: string;
  /** Link strength (0..1), discounted by the rank of the result it came from. */
  weight: number;
}

/** Each rank further down a linked result sits, its neighbours count this much less. */
const RANK_DECAY = 0.9;

/**
 * Graph-expanded search: the ranked results followed by their one-hop neighbours (links between
 * memories: [[title]] links, `entry:ID` references, semantic and manual edges; shared tags are
 * too broad to count as one hop). A neighbour ranks below every direct hit, unless it is a
 * direct hit itself, in which case it keeps its own place. Neighbours are ordered by link
 * strength and the rank of the result that brought them, and scored below the lowest direct hit.
 *
 * @example
 * const { results } = await brain.search("billing database", { limit: 10 });
 * const expanded = expandWithNeighbours(brain.db, results);
 * expanded.filter((r) => "graph" in r) // [{ id: 57, graph: { from: 12, reason: "links to [[Billing v2]]" }, ... }]
 */
export function expandWithNeighbours<T extends SearchResult>(
  db: Db,
  results: readonly T[],
  options: ExpandOptions = {},
): (T | NeighbourResult)[] {
  const neighbours = graphNeighbours(db, results, options);
  const floor = results.reduce((min, r) => Math.min(min, r.score), Infinity);
  const base = Number.isFinite(floor) && floor > 0 ? floor * 0.5 : 0;
  return [...results, ...neighbours.map((n) => ({ ...n, score: base * n.score }))];
}

/**
 * The one-hop neighbours of `results` that are not among them, best first, as search results
 * whose `score` is their link strength (0..1) and whose `graph` says why they were reached.
 *
 * @example
 * graphNeighbours(db, results, { limit: 5 })[0]?.graph // { from: 12, reason: "similar in meaning (0.84)" }
 */
export function graphNeighbours(
  db: Db,
  results: readonly Pick<SearchResult, "id">[],
  options: ExpandOptions = {},
): NeighbourResult[] {
  const limit = Math.max(0, options.limit ?? 5);
  if (limit === 0 || results.length === 0) return [];
  const ranked = candidates(db, results, options);
  const entries = entriesPassing(
    db,
    ranked.map((c) => c.id),
    options.filters ?? {},
  );
  return ranked
    .filter((c) => entries.has(c.id))
    .slice(0, limit)
    .map((c) => {
      const entry = entries.get(c.id)!;
      return {
        ...entry,
        score: Math.round(c.weight * 1000) / 1000,
        relevance: Math.round(c.weight * 1000) / 1000,
        snippet: leadSnippet(entry.text),
        ranks: {},
        graph: { from: c.from, reason: c.reason },
      };
    });
}

/**
 * The entries one hop from the results (at most `perResult` each, not results themselves), each
 * kept with its strongest link, best first.
 */
function candidates(
  db: Db,
  results: readonly Pick<SearchResult, "id">[],
  options: ExpandOptions,
): Candidate[] {
  const perResult = Math.max(1, options.perResult ?? 3);
  const direct = new Set(results.map((r) => r.id));
  const hopsOf = results.map((result) =>
    hopsFromEntry(db, result.id, perResult * 4).flatMap((hop) =>
      hop.to.kind === "entry" && !direct.has(hop.to.id) ? [{ id: hop.to.id, hop }] : [],
    ),
  );
  const sharing = turnsSharingWords(
    db,
    hopsOf.flat().flatMap(({ id, hop }) => (hop.conversation ? [id] : [])),
    options.query,
  );
  const best = new Map<number, Candidate>();
  results.forEach((result, rank) => {
    const hops = hopsOf[rank]!.filter(({ id, hop }) => !hop.conversation || sharing.has(id))
      .sort((a, b) => b.hop.strength - a.hop.strength)
      .slice(0, perResult);
    for (const { id, hop } of hops) {
      const weight = hop.strength * RANK_DECAY ** rank;
      const seen = best.get(id);
      if (!seen || weight > seen.weight) best.set(id, { id, from: result.id, reason: hop.reason, weight });
    }
  });
  return [...best.values()].sort((a, b) => b.weight - a.weight || a.id - b.id);
}

/**
 * Of the conversation turns `ids`, those that contain a content word of the query (as FTS5
 * matches it: stemmed, tags too), counted together; every one of them without a query.
 */
function turnsSharingWords(db: Db, ids: number[], query: string | undefined): Set<number> {
  if (query === undefined) return new Set(ids);
  const words = [...new Set(buildFtsQuery(query)?.terms ?? [])];
  const counts = ftsWordCounts(db, words, [...new Set(ids)]);
  return new Set([...counts].flatMap(([id, n]) => (n > 0 ? [id] : [])));
}

/** The start of the text, about 200 characters cut at a word boundary. */
function leadSnippet(text: string, length = 200): string {
  if (text.length <= length) return text;
  return `${text.slice(0, length).replace(/\s+\S*$/, "")}…`;
}
