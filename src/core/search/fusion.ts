import type { Db } from "../db/index.ts";
import { kindsOf, type Kind } from "../store/index.ts";
import type { KeywordRank } from "./keyword.ts";
import { KIND_BOOST } from "./intent.ts";
import type { VectorHit } from "../embed/index.ts";

/** Reciprocal rank fusion, and the scores a person sees. */

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
