// A fresh process that opens a bench database and runs one hybrid search, as a Raycast command or
// `brain search` does on a cold start: `node bench/fresh-search.ts DB MODEL QUERY_VECTOR_FILE`.
// The query's vector comes from the file (the model's own time is not ours). Prints one JSON line:
// ms from process start to the database open and to the first results, and resident memory.
import fs from "node:fs";
import { createBrain } from "../src/core/brain.ts";
import { resolveConfig } from "../src/core/base/config.ts";

// Module loading (Node's TypeScript stripping of src/, which the bundled CLI avoids) ends here.
const loaded = performance.now();
const [dbPath, model, vectorFile] = process.argv.slice(2);
const bytes = fs.readFileSync(vectorFile!);
const vector = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const brain = createBrain(resolveConfig({ dbPath, offsiteDir: null, embedModel: model }, {}), {
  embedderFor: () => ({ model: model!, embed: async (texts) => texts.map(() => vector) }),
});
const created = performance.now();
const results = await brain.search("postgres meeting", { mode: "hybrid", limit: 10 });
const searched = performance.now();
if (results.notices.length > 0 || results.results.length === 0)
  throw new Error(`no meaning search: ${results.notices.join(" ")}`);
process.stdout.write(
  `${JSON.stringify({ loadedMs: loaded, createdMs: created, searchMs: searched, rssBytes: process.memoryUsage().rss })}\n`,
);
brain.close();
