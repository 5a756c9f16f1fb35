import type { Entry } from "../store/index.ts";

/** What one search result is, shared by search.ts and graph-expand.ts. */

/** Why a search result came in through the graph: the result it is linked to, and how. */
export interface GraphHop {
  /** The id of the direct hit it is linked to. */
  from: number;
  /** E.g. "links to [[Billing v2]]", "similar in meaning (0.81)", "linked by you". */
  reason: string;
}

/** Where a result was found and at what rank (1 is best), so a person can see why it is there. */
export interface ResultRanks {
  keyword?: number;
  semantic?: number;
  /**
   * The rank in the listing of what fits the understood time and kinds (newest first, the kinds
   * asked for first): how "what did we decide last week?" finds entries without matching words.
   */
  listed?: number;
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
