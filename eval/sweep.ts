/**
 * The fusion sweep (`npm run eval -- --sweep`): hybrid search's reciprocal-rank constant and list
 * depth over a grid, on the same keyword and meaning lists the product computes, so a change to
 * RRF_K or LIST_DEPTH in src/core/search/search.ts is chosen by measurement. Each list is read once, at
 * the deepest depth, and cut per setting: a shallower list is a prefix of a deeper one.
 */
import type { Brain } from "../src/core/brain.ts";
import { LIST_DEPTH, reciprocalRankFusion, RRF_K } from "../src/core/search/search.ts";
import { rankedRefs, type Collection } from "./collection.ts";
import { evaluateRanking, meanMetrics, type MeanMetrics } from "./metrics.ts";

export const SWEEP_K = [5, 15, 30, 60, 120];
export const SWEEP_DEPTH = [10, 20, 50, 100];

export interface SweepRow {
  collection: string;
  k: number;
  depth: number;
  metrics: MeanMetrics;
  /** The setting the product ships with. */
  current: boolean;
}

export async function sweepFusion(brain: Brain, collection: Collection): Promise<SweepRow[]> {
  const deepest = Math.max(...SWEEP_DEPTH);
  const lists: {
    query: Collection["queries"][number];
    keyword: number[];
    semantic: number[];
    sources: Map<number, string | null>;
  }[] = [];
  for (const query of collection.queries.filter((q) => q.relevant.size > 0)) {
    const list = async (mode: "keyword" | "semantic") =>
      (await brain.search(query.text, { mode, limit: deepest })).results;
    const keyword = await list("keyword");
    const semantic = await list("semantic");
    const sources = new Map([...keyword, ...semantic].map((r) => [r.id, r.source]));
    lists.push({ query, keyword: keyword.map((r) => r.id), semantic: semantic.map((r) => r.id), sources });
  }
  return SWEEP_K.flatMap((k) =>
    SWEEP_DEPTH.map((depth) => {
      const metrics = lists.map(({ query, keyword, semantic, sources }) => {
        const fused = reciprocalRankFusion([keyword.slice(0, depth), semantic.slice(0, depth)], k).slice(
          0,
          10,
        );
        const ranked = rankedRefs(
          collection.name,
          fused.map((f) => sources.get(f.id)),
        );
        return evaluateRanking(ranked, query.relevant);
      });
      return {
        collection: collection.name,
        k,
        depth,
        metrics: meanMetrics(metrics),
        current: k === RRF_K && depth === LIST_DEPTH,
      };
    }),
  );
}

/** One Markdown table of the sweep, the shipped setting marked. */
export function formatSweep(rows: readonly SweepRow[]): string {
  const header = "| collection | RRF k | depth | recall@10 | nDCG@10 | MRR |\n|---|---:|---:|---:|---:|---:|";
  const lines = rows.map(
    (r) =>
      `| ${r.collection} | ${r.k} | ${r.depth}${r.current ? " (shipped)" : ""} | ${r.metrics.recallAt10.toFixed(3)} | ` +
      `${r.metrics.ndcgAt10.toFixed(3)} | ${r.metrics.mrr.toFixed(3)} |`,
  );
  return [header, ...lines].join("\n") + "\n";
}
