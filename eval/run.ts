// `npm run eval`: offline retrieval evaluation. Each collection is imported into a fresh database
// through the real import path, embedded through the real embedder (the wink word vectors by default), and
// every question runs through each search mode. Options: --collection notes|cranfield|all,
// --json FILE (per-question detail), --sweep (hybrid fusion settings over a grid, see sweep.ts),
// --embedder wink|ollama (ollama: the configured model, as on a Mac with mxbai-embed-large).
import fs from "node:fs";
import { parseArgs } from "node:util";
import type { Collection } from "./collection.ts";
import { cranfieldCollection } from "./cranfield.ts";
import {
  embedderName,
  evaluateCollection,
  loadEvalVectors,
  withCollectionBrain,
  type EvalEmbedder,
} from "./evaluate.ts";
import { formatDuplicateReport, loadDuplicateCases, measureDuplicates } from "./duplicates.ts";
import { followPolicy, formatMultiHop, loadMultiHop, measureMultiHop, silentChat } from "./multihop.ts";
import { personalNotesCollection } from "./personal-notes.ts";
import { detailJson, formatTable, formatTypeTable, reachedByMode } from "./report.ts";
import { formatSweep, sweepFusion } from "./sweep.ts";
import { ASK_RELEVANCE_FLOOR } from "../src/core/ask/retrieval.ts";

// Questions name days ("in March 2024") and the notes carry UTC times: read both in UTC, so a
// run gives the same numbers in every time zone.
process.env.TZ = "UTC";

const { values } = parseArgs({
  options: {
    collection: { type: "string", default: "all" },
    json: { type: "string" },
    sweep: { type: "boolean", default: false },
    embedder: { type: "string", default: "wink" },
  },
});
const which = values.collection ?? "all";
const collections = [
  ...(which === "notes" || which === "all" ? [personalNotesCollection()] : []),
  ...(which === "cranfield" || which === "all" ? [cranfieldCollection()] : []),
];
if (collections.length === 0) {
  console.error(`eval: unknown collection "${which}". Use notes, cranfield or all.`);
  process.exit(2);
}

if (values.embedder !== "wink" && values.embedder !== "ollama") {
  console.error(`eval: unknown embedder "${values.embedder}". Use wink or ollama.`);
  process.exit(2);
}
const embedder: EvalEmbedder =
  values.embedder === "ollama" ? { kind: "ollama" } : { kind: "wink", vectors: loadEvalVectors() };
const embedderLabel = embedderName(embedder);
console.log(`# Local Brain retrieval evaluation\nEmbedder: ${embedderLabel}\n`);
try {
  await evaluate();
} catch (error) {
  // An embedder that cannot run (Ollama not started, say) is a message, not a stack trace.
  console.error(`eval: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

async function evaluate(): Promise<void> {
  if (values.sweep) {
    const sweep = [];
    for (const collection of collections) {
      sweep.push(
        ...(await withCollectionBrain(collection, embedder, (brain) => sweepFusion(brain, collection))),
      );
    }
    console.log(formatSweep(sweep));
    return;
  }
  const rows = [];
  const details = [];
  for (const collection of collections) {
    const started = performance.now();
    const result = await evaluateCollection(collection, { embedder });
    rows.push(...result.rows);
    details.push(...result.details);
    console.log(
      `${collection.name}: ${collection.docs.length} documents, ${collection.queries.length} questions, ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    if (result.vectorRecall !== null) {
      console.log(`  meaning search vs exact float32 cosine: recall@10 ${result.vectorRecall.toFixed(3)}`);
    }
    if (result.floor) {
      const f = result.floor;
      console.log(
        `  abstention: proposed relevance floor ${f.floor.toFixed(3)} (accuracy ${(f.accuracy * 100).toFixed(0)}%: ` +
          `${f.answerableKept}/${f.answerableTotal} answerable kept, ${f.unanswerableRejected}/${f.unanswerableTotal} ` +
          `unanswerable refused); current ASK_RELEVANCE_FLOOR ${ASK_RELEVANCE_FLOOR}: accuracy ` +
          `${(result.accuracyAtCurrentFloor * 100).toFixed(0)}% (${result.atCurrentFloor.answerableKept}/${f.answerableTotal} ` +
          `kept, ${result.atCurrentFloor.unanswerableRefused}/${f.unanswerableTotal} refused)`,
      );
    }
  }
  console.log(`\n${formatTable(rows)}`);
  const byType = formatTypeTable(details);
  if (byType) console.log(`Recall@10 per question type (questions):\n\n${byType}`);
  for (const collection of collections) {
    const reached = reachedByMode(details, collection.name, "graph");
    if (reached.length === 0) continue;
    console.log(
      `${collection.name}, questions answered one graph hop away: answer anywhere in what was returned: ` +
        reached.map((r) => `${r.mode} ${r.reached}/${r.total}`).join(", "),
    );
  }
  if (collections.some((c) => c.name === "notes")) {
    const notes = collections.find((c) => c.name === "notes")!;
    const report = await withCollectionBrain(notes, embedder, (brain) =>
      measureDuplicates(brain, loadDuplicateCases()),
    );
    console.log(`\n${formatDuplicateReport(report)}`);
    console.log(`\n${formatMultiHop(await multiHop(notes))}`);
  }
  if (values.json) {
    fs.writeFileSync(values.json, detailJson({ embedder: embedderLabel, details }));
    console.log(`\nPer-question detail: ${values.json}`);
  }
}

/**
 * Plain ask vs the agent loop on the multi-hop questions: offline (wink) with the scripted policy
 * and a chat model that answers at once; with `--embedder ollama`, the configured chat model.
 */
async function multiHop(notes: Collection) {
  const questions = loadMultiHop(new Set(notes.docs.map((d) => d.ref)));
  const models = embedder.kind === "wink" ? { chat: silentChat, toolChat: followPolicy } : {};
  return withCollectionBrain(
    notes,
    embedder,
    (brain) => measureMultiHop(brain, questions, notes.name),
    models,
  );
}
