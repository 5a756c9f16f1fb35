import type { Db } from "../db/index.ts";
import { ftsWordCounts, type SearchFilters } from "../store/index.ts";
import {
  buildFtsQuery,
  hasTopic,
  type Understood,
  type SearchResponse,
  type SearchResult,
} from "../search/index.ts";

/**
 * Retrieval for `ask`: hybrid search, a relevance test that decides whether to answer at all, and
 * one graph hop to bring in memories linked to the ones found.
 */

/**
 * Below this relevance, `ask` answers "I don't have anything about that in your memory" without
 * calling a chat model. Relevance ({@link relevanceOf}) is in [0, 1]: the best of the candidates'
 * cosine similarity to the question and their share of the question's content words. It is one
 * number on purpose: the eval measures it from the unanswerable questions
 * (`proposeAbstentionFloor` in eval/report.ts) and this line is what changes.
 *
 * Measured on the personal-notes set with the wink word-vector embedder (`npm run eval -- --collection
 * notes`): 0.402 keeps 70 of the 72 answerable questions and turns away 3 of the 17 unanswerable
 * ones (82% decided right); 0.5 would turn away 10 answerable ones. It sits just above 0.4, which is
 * two of five content words and where two unanswerable questions land. Most unanswerable questions
 * there are near misses ("What is my blood type?" next to notes about a blood test): retrieval
 * cannot tell those apart, the model's instruction to say when the memories do not answer does.
 * The floor turns away what is plainly off the subject.
 * Re-measure with mxbai-embed-large: `npm run eval -- --embedder ollama` on a Mac.
 */
export const ASK_RELEVANCE_FLOOR = 0.402;

/**
 * A search result joins the context only when its own relevance is at least this share of the
 * floor: meaning search always returns its k nearest, however far, and those should neither
 * crowd the window nor leave the machine.
 */
export const CANDIDATE_SHARE_OF_FLOOR = 0.5;

/** How many search results ask considers before the graph hop. */
export const ASK_CANDIDATES = 15;
/** How many graph neighbours one hop may add. */
export const ASK_NEIGHBOURS = 5;

export { isPrivate, PRIVATE_TAG } from "../privacy/index.ts";

/** A memory ask may put in front of a model, and why it was chosen. */
export interface AskCandidate extends SearchResult {
  /** Share of the question's content words (FTS5 terms, stemmed) found in the entry, 0..1. */
  coverage: number;
  /** Set when the entry came in through the graph hop: the id of the result it is linked to. */
  via?: number;
}

/**
 * One graph hop: memories linked to `results`, best first. The graph module provides it; ask
 * works without it (no neighbours).
 */
export type ExpandNeighbours = (results: AskCandidate[], limit: number) => AskCandidate[];

export interface AskRetrievalDeps {
  db: Db;
  search(query: string, options: SearchFilters & { limit: number }): Promise<SearchResponse>;
  expand?: ExpandNeighbours;
}

export interface Retrieved {
  /** Search results with their keyword coverage, in search order. */
  direct: AskCandidate[];
  /** `direct` followed by its graph neighbours: what may be packed into the prompt. */
  candidates: AskCandidate[];
  relevance: number;
  notices: string[];
}

/**
 * Searches for the question (hybrid), scores how relevant the best results are, and, when they
 * pass {@link ASK_RELEVANCE_FLOOR}, adds one graph hop of neighbours after them.
 *
 * @example
 * const found = await retrieveForAsk({ db, search: brain.search }, "what did we decide about billing?");
 * if (found.relevance < ASK_RELEVANCE_FLOOR) console.log("nothing relevant");
 */
export async function retrieveForAsk(
  deps: AskRetrievalDeps,
  question: string,
  filters: SearchFilters = {},
): Promise<Retrieved> {
  const found = await deps.search(question, { ...filters, limit: ASK_CANDIDATES });
  const response = withUnderstanding(found);
  const scored = fitsWindow(
    withCoverage(deps.db, found.understood?.keywords ?? question, response.results),
    found.understood,
  );
  const relevance = relevanceOf(scored);
  const direct = scored.filter((c) => relevanceOf([c]) >= ASK_RELEVANCE_FLOOR * CANDIDATE_SHARE_OF_FLOOR);
  if (relevance < ASK_RELEVANCE_FLOOR || !deps.expand) {
    return { direct, candidates: direct, relevance, notices: response.notices };
  }
  const seen = new Set(direct.map((c) => c.id));
  const neighbours = deps.expand(direct, ASK_NEIGHBOURS).filter((n) => !seen.has(n.id));
  return {
    direct,
    candidates: [...direct, ...neighbours.slice(0, ASK_NEIGHBOURS)],
    relevance,
    notices: response.notices,
  };
}

/** The search response with what it understood ("last week = …") at the head of its notices. */
function withUnderstanding(response: SearchResponse): SearchResponse {
  if (!response.understood) return response;
  return { ...response, notices: [`Understood: ${response.understood.summary}.`, ...response.notices] };
}

/**
 * A question with a time and no subject ("what did we decide last week?") is answered by what
 * lies in the window: those entries cover it fully. With a subject, coverage stays as counted.
 */
function fitsWindow(candidates: AskCandidate[], understood: Understood | undefined): AskCandidate[] {
  if (!understood?.time || hasTopic(understood.keywords)) return candidates;
  const from = Date.parse(understood.time.from);
  const to = Date.parse(understood.time.to);
  return candidates.map((c) => {
    const at = Date.parse(c.created_at);
    return at >= from && at < to ? { ...c, coverage: 1 } : c;
  });
}

/**
 * How relevant the best of `results` is to the question, in [0, 1]: for each result the larger of
 * its cosine similarity (when found by meaning) and its keyword coverage; the best result counts.
 * No results: 0.
 *
 * @example
 * relevanceOf([{ ...result, similarity: 0.71, coverage: 0.5 }]) // 0.71
 */
export function relevanceOf(results: readonly Pick<AskCandidate, "similarity" | "coverage">[]): number {
  let best = 0;
  for (const r of results) best = Math.max(best, r.similarity ?? 0, r.coverage);
  return best;
}

/**
 * Adds to each result the share of the question's content words ({@link coverageTerms}) its entry contains. FTS5 decides
 * what matches (porter stemming, tags included), as store's ftsWordCounts counts it.
 *
 * @example
 * withCoverage(db, "billing decision", results)[0]?.coverage // 0.5 when only "billing" matches
 */
export function withCoverage(db: Db, question: string, results: SearchResult[]): AskCandidate[] {
  const terms = coverageTerms(question);
  if (terms.length === 0) return results.map((r) => ({ ...r, coverage: 0 }));
  const unique = [...new Set(terms)];
  const found = ftsWordCounts(
    db,
    unique,
    results.map((r) => r.id),
  );
  return results.map((r) => ({ ...r, coverage: found.get(r.id)! / unique.length }));
}

/**
 * Words that frame a question about one's memory rather than name its subject ("what do my notes
 * say about falcon?"): they do not count for coverage, unless nothing else is left.
 */
const FRAMING_WORDS = new Set(
  "note notes noted say says said tell told remember remembered know knew wrote write written saved memory memories mention mentioned".split(
    " ",
  ),
);

/** The question's content words that coverage counts: FTS5's terms minus the framing words. */
export function coverageTerms(question: string): string[] {
  const terms = buildFtsQuery(question)?.terms ?? [];
  const subject = terms.filter((t) => !FRAMING_WORDS.has(t));
  return subject.length > 0 ? subject : terms;
}
