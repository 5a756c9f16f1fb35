// Graph figures: `related` at depth 1 and 2, graph-expanded search (hybrid when the bench vectors
// are there, keyword otherwise), import throughput, and `brain boot` as a whole process.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createBrain } from "../src/core/brain.ts";
import { resolveConfig } from "../src/core/base/config.ts";
import { expandWithNeighbours } from "../src/core/search/graph-expand.ts";
import { replaceSemanticEdges } from "../src/core/graph/store.ts";
import type { Embedder } from "../src/core/base/ports.ts";
import { QueryVectorCache } from "../src/core/search/query-cache.ts";
import { search, type SearchOptions } from "../src/core/search/search.ts";
import { normalize } from "../src/core/embed/vector-math.ts";
import { getModel } from "../src/core/embed/vectors.ts";
import { benchDir, makeEntries, row, seeded, timeCli, timeRuns, type Row } from "./lib.ts";
import { queryWords, type BenchDb } from "./store.ts";

/** The vectors bench/vectors.ts writes; hybrid search uses them when that section ran first. */
const VECTOR_MODEL = "bench-1024";

/** Edges per entry the graph figures are measured at (tags give about 0.8; semantic edges make up the rest). */
const EDGES_PER_ENTRY = 3;

let importMeasured = false;

/** related, graph-expanded search, boot (and once, import) figures for one database. */
export async function benchGraph(db: BenchDb): Promise<Row[]> {
  const size = db.size.toLocaleString("en");
  const edges = addSemanticEdges(db);
  const note = `${(edges / db.size).toFixed(1)} edges/entry`;
  const { brain } = db;
  const random = seeded(5);
  const maxId = (brain.db.prepare("SELECT max(id) AS n FROM entries").get() as { n: number }).n;
  const ids = Array.from({ length: 300 }, () => 1 + Math.floor(random() * maxId));
  const rows: Row[] = [
    row("related ID, depth 1", size, await timeRuns(300, (i) => brain.related(ids[i]!)), "p50 <= 2 ms", note),
    row("related ID, depth 2", size, await timeRuns(300, (i) => brain.related(ids[i]!, { depth: 2 }))),
  ];
  const tags = brain.db.prepare("SELECT name FROM nodes WHERE type = 'tag' LIMIT 300").all() as {
    name: string;
  }[];
  rows.push(
    row(
      "related '#tag', depth 1",
      size,
      await timeRuns(300, (i) => brain.related(`#${tags[i % tags.length]!.name}`)),
    ),
  );
  rows.push(...(await expandedSearch(db)));
  const bootInProcess = await timeRuns(50, () => brain.boot());
  rows.push(row("boot, in process", size, bootInProcess));
  const env = { BRAIN_DB: db.dbPath };
  rows.push(
    row(
      "floor: Node 22 alone (`node -e 0`)",
      size,
      await timeRuns(15, () => spawnSync(process.execPath, ["-e", "0"]), 2),
    ),
  );
  rows.push(
    row(
      "floor: `brain --version`, whole CLI process",
      size,
      await timeRuns(15, () => timeCli(["--version"], env), 2),
    ),
  );
  rows.push(
    row(
      "boot, whole CLI process",
      size,
      await timeRuns(15, () => timeCli(["boot"], env), 2),
      "p50 <= 300 ms",
      "bundled CLI (`npm install` builds it)",
    ),
  );
  if (!importMeasured) {
    importMeasured = true;
    rows.push(...(await benchImport(10_000)));
  }
  return rows;
}

/** Semantic edges between nearby entries (with similarities 0.6-0.95) until the graph holds ~3 edges per entry. */
function addSemanticEdges(db: BenchDb): number {
  const handle = db.brain.db;
  const count = () => (handle.prepare("SELECT count(*) AS n FROM edges").get() as { n: number }).n;
  const ids = (handle.prepare("SELECT id FROM entries ORDER BY id").all() as { id: number }[]).map(
    (r) => r.id,
  );
  const perEntry = Math.max(0, Math.round(EDGES_PER_ENTRY - count() / db.size));
  const random = seeded(9);
  const now = Date.now();
  for (let i = 0; i < ids.length; i += 2000) {
    handle
      .transaction(() => {
        for (let j = i; j < Math.min(ids.length, i + 2000); j++) {
          const near = Array.from({ length: perEntry }, () => ({
            id: ids[Math.max(0, Math.min(ids.length - 1, j + Math.floor((random() - 0.5) * 200)))]!,
            similarity: 0.6 + random() * 0.35,
          }));
          replaceSemanticEdges(handle, ids[j]!, near, now, { max: perEntry });
        }
      })
      .immediate();
  }
  return count();
}

/** Search then one graph hop: hybrid with the bench vectors when present, else keyword. */
async function expandedSearch(db: BenchDb): Promise<Row[]> {
  const size = db.size.toLocaleString("en");
  const handle = db.brain.db;
  const words = queryWords(db, 300);
  const model = getModel(handle, VECTOR_MODEL);
  const random = seeded(13);
  const embedder: Embedder = {
    model: VECTOR_MODEL,
    embed: async (texts) =>
      texts.map(() => normalize(Float32Array.from({ length: model?.dimensions ?? 1 }, () => random() - 0.5))),
  };
  const deps = {
    db: handle,
    configuredModel: VECTOR_MODEL,
    embedderFor: () => embedder,
    cache: new QueryVectorCache(),
  };
  const options: SearchOptions = { limit: 10, mode: model ? "hybrid" : "keyword" };
  const plain = await timeRuns(200, (i) => search(deps, `${words[i]} ${words[(i + 1) % 300]}`, options));
  let added = 0;
  let calls = 0;
  const expanded = await timeRuns(200, async (i) => {
    calls++;
    const { results } = await search(deps, `${words[i]} ${words[(i + 1) % 300]}`, options);
    added += expandWithNeighbours(handle, results).length - results.length;
  });
  const mode = options.mode === "hybrid" ? "hybrid" : "keyword (no bench vectors)";
  return [
    row(`${mode} search, limit 10`, size, plain),
    row(
      `${mode} search + one graph hop`,
      size,
      expanded,
      "",
      `${(added / calls).toFixed(1)} neighbours added`,
    ),
  ];
}

/** Imports `count` small Markdown notes into a fresh database, then again (all unchanged). */
export async function benchImport(count: number): Promise<Row[]> {
  const dir = benchDir();
  const notes = path.join(dir, "notes");
  fs.mkdirSync(notes);
  makeEntries(count, 42).forEach((entry, i) => {
    const front = `---\ntags: [${(entry.tags ?? []).join(", ")}]\ndate: ${String(entry.at).slice(0, 10)}\n---\n`;
    const link = i > 0 && i % 5 === 0 ? `\n\nSee [[note ${i - 1}]].` : "";
    fs.writeFileSync(path.join(notes, `note ${i}.md`), `${front}${entry.text}${link}\n`);
  });
  const brain = createBrain(resolveConfig({ dbPath: path.join(dir, "brain.db"), offsiteDir: null }, {}));
  try {
    let first = 0;
    const once = await timeRuns(1, async () => (first = (await brain.import([notes])).added), 0);
    const again = await timeRuns(1, () => brain.import([notes]), 0);
    const rate = (ms: number) => `${Math.round((count / ms) * 1000).toLocaleString("en")} entries/s`;
    const label = count.toLocaleString("en");
    return [
      row(
        `import ${label} small notes (new)`,
        label,
        once,
        "seconds, not minutes",
        `${rate(once[0]!)}, ${first} added`,
      ),
      row(`re-import the same ${label} notes (unchanged)`, label, again, "", rate(again[0]!)),
    ];
  } finally {
    brain.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
