/**
 * Duplicate-capture cases on the personal-notes set (`eval/notes/duplicates.json`): exact repeats
 * (capture must say "already saved"), reworded restatements (the embedder must link them with a
 * `duplicate` edge), new values of keyed entries (must be proposed), and related notes that say
 * something else (must not be linked). Measures the similarity that separates the reworded from
 * the related, which is how DUPLICATE_SIMILARITY was chosen.
 */
import fs from "node:fs";
import path from "node:path";
import {
  DUPLICATE_SIMILARITY,
  KEY_PROPOSAL_SIMILARITY,
  listDuplicates,
  listKeyProposals,
} from "../src/core/graph/duplicates.ts";
import type { Kind } from "../src/core/store/kinds.ts";
import type { EvalBrain } from "./evaluate.ts";
import { NOTES_DIR } from "./personal-notes.ts";
import { proposeAbstentionFloor, type AbstentionFloor } from "./report.ts";

export interface DuplicateCase {
  id: string;
  type: "exact" | "near" | "key" | "distinct";
  /** The note it repeats or updates; null when it must stay a new entry. */
  of: string | null;
  kind: Kind;
  text: string;
}

export interface DuplicateReport {
  exact: { right: number; total: number };
  near: { linked: number; total: number; similarities: number[] };
  key: { proposed: number; total: number; similarities: number[] };
  distinct: { linked: number; proposed: number; total: number; similarities: number[] };
  /** Duplicate links among the 300 notes themselves (none of them repeats another). */
  falseAmongNotes: number;
  /** Those links, as "n034~n031 0.87". */
  notePairs: string[];
  threshold: AbstentionFloor | null;
}

export function loadDuplicateCases(dir: string = NOTES_DIR): DuplicateCase[] {
  return JSON.parse(fs.readFileSync(path.join(dir, "duplicates.json"), "utf8")) as DuplicateCase[];
}

/** The highest link weight (similarity) between two entries, either way; 0 when not linked. */
function similarity(brain: EvalBrain, a: number, b: number): number {
  const row = brain.db
    .prepare<[number, number, number, number], { w: number | null }>(
      `SELECT max(weight) AS w FROM edges WHERE type IN ('semantic', 'duplicate')
       AND ((from_entry = ? AND to_entry = ?) OR (from_entry = ? AND to_entry = ?))`,
    )
    .get(a, b, b, a);
  return row?.w ?? 0;
}

/** The highest similarity of an entry to any other (its nearest neighbour's), 0 when none is linked. */
function nearest(brain: EvalBrain, id: number): number {
  const row = brain.db
    .prepare<
      [number, number],
      { w: number | null }
    >(`SELECT max(weight) AS w FROM edges WHERE type = 'semantic' AND (from_entry = ? OR to_entry = ?)`)
    .get(id, id);
  return row?.w ?? 0;
}

/** Captures every case into the notes brain, embeds, and scores what was found. */
export async function measureDuplicates(brain: EvalBrain, cases: DuplicateCase[]): Promise<DuplicateReport> {
  const idOf = (ref: string) =>
    brain.db.prepare<[string], { id: number }>("SELECT id FROM entries WHERE source = ?").get(`notes:${ref}`)!
      .id;
  const among = listDuplicates(brain.db, 10_000);
  const ref = (source: string | null) => (source ?? "").replace(/^notes:/, "");
  const notePairs = among.map((p) => `${ref(p.entry.source)}~${ref(p.of.source)} ${p.similarity.toFixed(2)}`);
  const falseAmongNotes = among.length;
  // None of the 300 notes repeats another: each one's nearest neighbour is a negative too.
  const noteIds = brain.db.prepare<[], { id: number }>("SELECT id FROM entries").all();
  const noteNearest = noteIds.map(({ id }) => nearest(brain, id));
  const report: DuplicateReport = {
    exact: { right: 0, total: 0 },
    near: { linked: 0, total: 0, similarities: [] },
    key: { proposed: 0, total: 0, similarities: [] },
    distinct: { linked: 0, proposed: 0, total: 0, similarities: [] },
    falseAmongNotes,
    notePairs,
    threshold: null,
  };
  const captured = cases.map((c) => ({ c, result: brain.entries.capture({ text: c.text, kind: c.kind }) }));
  for (const { c, result } of captured.filter((x) => x.c.type === "exact")) {
    report.exact.total++;
    const right = c.of
      ? result.status === "duplicate" && result.entry.id === idOf(c.of)
      : result.status === "created";
    if (right) report.exact.right++;
  }
  await brain.embed({ batchSize: 256 });
  const pairs = listDuplicates(brain.db, 10_000);
  const proposals = listKeyProposals(brain.db, 10_000);
  const linked = (id: number, to?: number) =>
    pairs.some(
      (p) =>
        (p.entry.id === id || p.of.id === id) && (to === undefined || p.entry.id === to || p.of.id === to),
    );
  for (const { c, result } of captured) {
    const id = result.entry.id;
    if (c.type === "near") {
      report.near.total++;
      report.near.similarities.push(similarity(brain, id, idOf(c.of!)));
      if (linked(id, idOf(c.of!))) report.near.linked++;
    } else if (c.type === "key") {
      report.key.total++;
      report.key.similarities.push(similarity(brain, id, idOf(c.of!)));
      if (proposals.some((p) => p.entry.id === id && p.keyed.id === idOf(c.of!))) report.key.proposed++;
    } else if (c.type === "distinct") {
      report.distinct.total++;
      report.distinct.similarities.push(nearest(brain, id));
      if (linked(id)) report.distinct.linked++;
      if (proposals.some((p) => p.entry.id === id)) report.distinct.proposed++;
    }
  }
  report.threshold = proposeAbstentionFloor(report.near.similarities, [
    ...report.distinct.similarities,
    ...noteNearest,
  ]);
  return report;
}

const f2 = (x: number) => x.toFixed(2);

export function formatDuplicateReport(r: DuplicateReport): string {
  return [
    `Duplicate capture (notes): exact repeats handled ${r.exact.right}/${r.exact.total}; ` +
      `reworded linked at ${DUPLICATE_SIMILARITY} ${r.near.linked}/${r.near.total}; ` +
      `related-but-distinct linked ${r.distinct.linked}/${r.distinct.total}; ` +
      `links among the 300 notes ${r.falseAmongNotes} (${r.notePairs.join(", ")}); ` +
      `new values proposed at ${KEY_PROPOSAL_SIMILARITY} ${r.key.proposed}/${r.key.total} ` +
      `(distinct ones proposed ${r.distinct.proposed}/${r.distinct.total})`,
    `  similarity of reworded to original: ${r.near.similarities.map(f2).join(" ")}`,
    `  nearest similarity of related-but-distinct: ${r.distinct.similarities.map(f2).join(" ")}`,
    `  similarity of new values to the keyed entry: ${r.key.similarities.map(f2).join(" ")}`,
    r.threshold
      ? `  threshold separating reworded from distinct and from each note's nearest neighbour: ` +
        `${r.threshold.floor.toFixed(3)} (${r.threshold.answerableKept}/${r.threshold.answerableTotal} reworded above, ` +
        `${r.threshold.unanswerableRejected}/${r.threshold.unanswerableTotal} others below)`
      : "",
  ].join("\n");
}
