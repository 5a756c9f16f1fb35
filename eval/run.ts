// `npm run eval`: offline retrieval evaluation. Each collection is imported into a fresh database
// through the real import path, embedded with the wink word vectors through the real embedder, and
// every question runs through each search mode. Options: --collection notes|cranfield|all,
// --json FILE (per-question detail), --sweep (hybrid fusion settings over a grid, see sweep.ts).
import fs from "node:fs";
import { parseArgs } from "node:util";
import { cranfieldCollection } from "./cranfield.ts";
import { evaluateCollection, loadEvalVectors, withCollectionBrain } from "./evaluate.ts";
import { personalNotesCollection } from "./personal-notes.ts";
import { detailJson, formatTable, reachedByMode } from "./report.ts";
import { formatSweep, sweepFusion } from "./sweep.ts";
import { WINK_MODEL } from "./wink-embedder.ts";
import { ASK_RELEVANCE_FLOOR } from "../src/core/ask-retrieval.ts";

const { values } = parseArgs({
  options: {
    collection: { type: "string", default: "all" },
    json: { type: "string" },
    sweep: { type: "boolean", default: false },
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

console.log(`# Local Brain retrieval evaluation\nEmbedder: ${WINK_MODEL}\n`);
const vectors = loadEvalVectors();
if (values.sweep) {
  const sweep = [];
  for (const collection of collections) {
    sweep.push(...(await withCollectionBrain(collection, vectors, (brain) => sweepFusion(brain, collection))));
  }
  console.log(formatSweep(sweep));
  process.exit(0);
}
const rows = [];
const details = [];
for (const collection of collections) {
  const started = performance.now();
  const result = await evaluateCollection(collection, { vectors });
  rows.push(...result.rows);
  details.push(...result.details);
  console.log(
    `${collection.name}: ${collection.docs.length} documents, ${collection.queries.length} questions, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  if (result.floor) {
    const f = result.floor;
    console.log(
      `  abstention: proposed relevance floor ${f.floor.toFixed(3)} (accuracy ${(f.accuracy * 100).toFixed(0)}%: ` +
        `${f.answerableKept}/${f.answerableTotal} answerable kept, ${f.unanswerableRejected}/${f.unanswerableTotal} ` +
        `unanswerable refused); current ASK_RELEVANCE_FLOOR ${ASK_RELEVANCE_FLOOR}: accuracy ` +
        `${(result.accuracyAtCurrentFloor * 100).toFixed(0)}%`,
    );
  }
}
console.log(`\n${formatTable(rows)}`);
for (const collection of collections) {
  const reached = reachedByMode(details, collection.name, "graph");
  if (reached.length === 0) continue;
  console.log(
    `${collection.name}, questions answered one graph hop away: answer anywhere in what was returned: ` +
      reached.map((r) => `${r.mode} ${r.reached}/${r.total}`).join(", "),
  );
}
if (values.json) {
  fs.writeFileSync(values.json, detailJson({ embedder: WINK_MODEL, details }));
  console.log(`\nPer-question detail: ${values.json}`);
}
