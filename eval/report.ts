/**
 * Presents evaluation results: a Markdown table per collection and mode, the per-question detail as
 * JSON, and a proposed abstention floor from the top-hit scores of answerable and unanswerable
 * questions. All pure.
 */
import type { QuestionType } from "./collection.ts";
import type { MeanMetrics, QueryMetrics } from "./metrics.ts";

/** The product's search modes, and "plain BM25", the baseline keyword search is held against. */
export type SearchMode = "plain BM25" | "keyword" | "semantic" | "hybrid" | "hybrid+graph";

export interface ReportRow {
  collection: string;
  mode: SearchMode;
  metrics: MeanMetrics;
}

export interface QueryDetail {
  collection: string;
  mode: SearchMode;
  queryId: string;
  text: string;
  type?: QuestionType;
  /** Refs returned, best first. */
  ranked: string[];
  relevant: Record<string, number>;
  /** Null for a question with nothing relevant. */
  metrics: QueryMetrics | null;
  /** The score of the first result, null when nothing came back. */
  topScore: number | null;
}

const fixed = (x: number) => x.toFixed(3);

/**
 * A Markdown table: one line per collection and mode, metrics to three decimals.
 *
 * @example
 * formatTable([{ collection: "cranfield", mode: "keyword", metrics }])
 * // "| collection | mode | recall@5 | ... |\n|---|...\n| cranfield | keyword | 0.412 | ..."
 */
export function formatTable(rows: readonly ReportRow[]): string {
  const header = "| collection | mode | recall@5 | recall@10 | MRR | nDCG@10 | queries |";
  const rule = "|---|---|---:|---:|---:|---:|---:|";
  const lines = rows.map(({ collection, mode, metrics: m }) =>
    [
      collection,
      mode,
      fixed(m.recallAt5),
      fixed(m.recallAt10),
      fixed(m.mrr),
      fixed(m.ndcgAt10),
      String(m.n),
    ].join(" | "),
  );
  return [header, rule, ...lines.map((l) => `| ${l} |`)].join("\n") + "\n";
}

/**
 * The per-question detail as one JSON document (relevance maps become plain objects).
 *
 * @example
 * JSON.parse(detailJson({ embedder: "wink", details: [] })).details // []
 */
export function detailJson(report: { embedder: string; details: readonly QueryDetail[] }): string {
  return JSON.stringify(report, null, 2) + "\n";
}

export interface AbstentionFloor {
  /** Answer when the top hit scores at least this; abstain below it. */
  floor: number;
  /** Share of questions decided right (answered when answerable, abstained when not). */
  accuracy: number;
  answerableKept: number;
  answerableTotal: number;
  unanswerableRejected: number;
  unanswerableTotal: number;
}

interface Labelled {
  score: number;
  answerable: boolean;
}

function accuracyAt(cut: number, all: readonly Labelled[]): number {
  const right = all.filter((x) => x.score >= cut === x.answerable).length;
  return right / all.length;
}

/**
 * Proposes a floor on the top hit's score that best separates answerable questions (answer) from
 * unanswerable ones (abstain): the cut with the highest accuracy; among equally accurate cuts the
 * one with the widest gap below it; the floor sits halfway into that gap, so it does not hang on one
 * observed score. A question whose search returned nothing (score null) always abstains. Returns
 * null when there are no scores at all.
 *
 * @example
 * proposeAbstentionFloor([0.9, 0.8], [0.3, 0.5]) // floor 0.65, accuracy 1
 */
export function proposeAbstentionFloor(
  answerable: readonly (number | null)[],
  unanswerable: readonly (number | null)[],
): AbstentionFloor | null {
  const toScore = (s: number | null) => (s === null || Number.isNaN(s) ? -Infinity : s);
  const all: Labelled[] = [
    ...answerable.map((s) => ({ score: toScore(s), answerable: true })),
    ...unanswerable.map((s) => ({ score: toScore(s), answerable: false })),
  ];
  const scores = [...new Set(all.map((x) => x.score).filter(Number.isFinite))].sort((x, y) => y - x);
  const highest = scores[0];
  if (highest === undefined) return null;
  // Candidate cuts: every observed score (answer at or above it), each with the gap down to the next
  // lower score, and "abstain always" just above the highest score (gap 0: chosen only if strictly best).
  const cuts = scores.map((cut, i) => ({
    cut,
    floor: midpoint(cut, scores[i + 1]),
    gap: cut - (scores[i + 1] ?? -Infinity),
  }));
  cuts.push({ cut: Infinity, floor: highest + Math.max(1e-9, Math.abs(highest) * 1e-9), gap: 0 });
  let best = cuts[0]!;
  let bestAccuracy = accuracyAt(best.floor, all);
  for (const candidate of cuts.slice(1)) {
    const accuracy = accuracyAt(candidate.floor, all);
    if (accuracy > bestAccuracy || (accuracy === bestAccuracy && candidate.gap > best.gap)) {
      [best, bestAccuracy] = [candidate, accuracy];
    }
  }
  return summarise(best.floor, all);
}

/** Halfway between a score and the next lower one; the score itself when it is the lowest. */
function midpoint(cut: number, below: number | undefined): number {
  return below === undefined ? cut : (cut + below) / 2;
}

function summarise(floor: number, all: readonly Labelled[]): AbstentionFloor {
  const yes = all.filter((x) => x.answerable);
  const no = all.filter((x) => !x.answerable);
  return {
    floor,
    accuracy: accuracyAt(floor, all),
    answerableKept: yes.filter((x) => x.score >= floor).length,
    answerableTotal: yes.length,
    unanswerableRejected: no.filter((x) => x.score < floor).length,
    unanswerableTotal: no.length,
  };
}

/**
 * For questions of one type, how many have an answer anywhere in what each mode returned (not
 * only in its first 10): graph-expanded search puts neighbours after the direct hits, past the
 * @10 cut, and this is where the graph hop shows.
 *
 * @example
 * reachedByMode(details, "notes", "graph") // [{ mode: "hybrid", reached: 0, total: 12 }, { mode: "hybrid+graph", reached: 7, total: 12 }]
 */
export function reachedByMode(
  details: readonly QueryDetail[],
  collection: string,
  type: QuestionType,
): { mode: SearchMode; reached: number; total: number }[] {
  const byMode = new Map<SearchMode, { reached: number; total: number }>();
  for (const d of details) {
    if (d.collection !== collection || d.type !== type) continue;
    const tally = byMode.get(d.mode) ?? { reached: 0, total: 0 };
    tally.total++;
    if (d.ranked.some((ref) => ref in d.relevant)) tally.reached++;
    byMode.set(d.mode, tally);
  }
  return [...byMode].map(([mode, tally]) => ({ mode, ...tally }));
}

/**
 * Recall@10 per question type, for each collection and mode that has typed questions: where a
 * change helps, and where it costs.
 *
 * @example
 * formatTypeTable(details) // "| collection | mode | keyword | meaning | ... |\n|---|...\n| notes | hybrid | 1.000 | 0.288 | ..."
 */
export function formatTypeTable(details: readonly QueryDetail[]): string {
  const typed = details.filter((d) => d.type !== undefined && d.metrics !== null);
  const types = [...new Set(typed.map((d) => d.type!))];
  if (types.length === 0) return "";
  const groups = new Map<string, QueryDetail[]>();
  for (const d of typed) {
    const key = `${d.collection} | ${d.mode}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const header = `| collection | mode | ${types.map((t) => `${t} R@10`).join(" | ")} |`;
  const rule = `|---|---|${types.map(() => "---:").join("|")}|`;
  const lines = [...groups].map(([key, group]) => {
    const cells = types.map((type) => {
      const of = group.filter((d) => d.type === type);
      const mean = of.reduce((sum, d) => sum + d.metrics!.recallAt10, 0) / Math.max(1, of.length);
      return `${fixed(mean)} (${of.length})`;
    });
    return `| ${key} | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...lines].join("\n") + "\n";
}
