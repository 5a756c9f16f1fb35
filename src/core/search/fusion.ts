import type { Db } from "../db/index.ts";
import { entriesById, kindsOf, type Entry, type Kind } from "../store/index.ts";
import { keywordDetails, type KeywordHit, type KeywordRank } from "./keyword.ts";
import { KIND_BOOST } from "./intent.ts";
import type { ResultRanks, SearchResult } from "./result.ts";
import type { VectorHit } from "../embed/index.ts";

/** Reciprocal rank fusion, the scores a person sees, and the fused results with their snippets. */

/**
 * Reciprocal rank fusion constant. 60 is the published default; `npm run eval -- --sweep` found 5
 * better on both collections (notes recall@10 0.563 -> 0.576, nDCG@10 0.442 -> 0.458; Cranfield
 * recall@10 0.323 -> 0.358, nDCG@10 0.295 -> 0.326): a small k lets the top of either list win,
 * where a large one rewards entries both lists found somewhere in their depth.
 */
export const RRF_K = 5;

/**
 * Reciprocal rank fusion: each id scores the sum of 1 / (k + rank) over the lists it is in, best
 * first (ties keep first-seen order). `ranks[i]` is its 1-based rank in list i, undefined when absent.
 * `weights[i]`, when given, scales list i's share for the ids it names (default 1).
 *
 * @example
 * reciprocalRankFusion([[7, 3], [3]]) // [{ id: 3, ranks: [2, 1], ... }, { id: 7, ranks: [1, undefined], ... }]
 */
export function reciprocalRankFusion(
  lists: readonly (readonly number[])[],
  k = RRF_K,
  weights: readonly (ReadonlyMap<number, number> | undefined)[] = [],
): { id: number; score: number; ranks: (number | undefined)[] }[] {
  const byId = new Map<number, { id: number; score: number; ranks: (number | undefined)[] }>();
  lists.forEach((list, l) =>
    list.forEach((id, i) => {
      let s = byId.get(id);
      if (!s) byId.set(id, (s = { id, score: 0, ranks: lists.map(() => undefined) }));
      s.score += (weights[l]?.get(id) ?? 1) / (k + i + 1);
      s.ranks[l] = i + 1;
    }),
  );
  return [...byId.values()].sort((a, b) => b.score - a.score);
}

/** The fused list with entries of the preferred kinds scoring `KIND_BOOST` times more, re-sorted. */
export function boostKinds<T extends { id: number; score: number }>(
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

/**
 * Reciprocal rank fusion of the two lists, plus the `listed` entries (what fits the understood time
 * and kinds) and any `extra` lists (the same searches inside an understood time window), entries
 * of the preferred `kinds` scoring `KIND_BOOST` times more and keyword matches counting by their
 * `share` of the question's words (keyword.ts, withShares). A list alone keeps its own order and
 * scores. Entries and snippets are read for the `limit` winners only. `relevance` is the score a
 * person sees, in [0, 1]: see `relevanceFor`.
 */
export function fuse(
  db: Db,
  keyword: KeywordRank[],
  semantic: VectorHit[],
  limit: number,
  boost: { listed?: number[]; extra?: number[][]; kinds?: readonly Kind[] } = {},
): SearchResult[] {
  const keywordById = new Map(keyword.map((hit) => [hit.id, hit]));
  const vectorById = new Map(semantic.map((hit) => [hit.entryId, hit]));
  const { listed = [], extra = [] } = boost;
  const lists = [keyword.map((hit) => hit.id), semantic.map((hit) => hit.entryId), listed, ...extra];
  const shares = new Map(keyword.map((hit) => [hit.id, hit.share ?? 1]));
  const ranked = boostKinds(db, reciprocalRankFusion(lists, RRF_K, [shares]), boost.kinds).slice(0, limit);
  const boosted = listed.length > 0 || extra.length > 0 || boost.kinds !== undefined;
  const single = (keyword.length === 0 || semantic.length === 0) && !boosted;
  const winners = readWinners(db, ranked, keywordById);
  const relevance = relevanceFor(keyword, semantic, boosted);
  return ranked.flatMap(({ id, score: fused, ranks: [keywordRank, semanticRank, listedRank] }) => {
    const hit = winners.details.get(id);
    const entry = hit?.entry ?? winners.entries.get(id);
    if (!entry) return [];
    const vector = vectorById.get(id);
    const score = single ? (keywordById.get(id)?.score ?? vector?.similarity ?? fused) : fused;
    const ranks: ResultRanks = {
      ...(keywordRank ? { keyword: keywordRank } : {}),
      ...(semanticRank ? { semantic: semanticRank } : {}),
      ...(listedRank ? { listed: listedRank } : {}),
    };
    return [
      {
        ...entry,
        score,
        relevance: relevance(score),
        snippet: hit?.snippet ?? excerpt(entry.text, vector?.start ?? 0),
        ranks,
        ...(vector ? { similarity: vector.similarity } : {}),
      },
    ];
  });
}

/**
 * The winners' entries: with a highlighted snippet for keyword matches (keywordDetails), in one
 * query by id for the rest.
 */
function readWinners(
  db: Db,
  ranked: readonly { id: number }[],
  keywordById: ReadonlyMap<number, KeywordRank>,
): { details: Map<number, KeywordHit>; entries: Map<number, Entry> } {
  const details = keywordDetails(
    db,
    ranked.flatMap(({ id }) => keywordById.get(id) ?? []),
  );
  const entries = entriesById(
    db,
    ranked.filter(({ id }) => !details.has(id)).map(({ id }) => id),
  );
  return { details, entries };
}

/** About 200 characters of the text from `start`, cut at word boundaries. */
function excerpt(text: string, start: number, length = 200): string {
  const from = start > 0 ? text.indexOf(" ", start) + 1 || start : 0;
  const slice = text.slice(from, from + length);
  const cut = slice.length === length ? slice.replace(/\s+\S*$/, "") : slice;
  return `${from > 0 ? "…" : ""}${cut}${from + cut.length < text.length ? "…" : ""}`;
}
