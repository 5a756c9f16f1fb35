import path from "node:path";
import { createBrain, type Brain } from "../src/core/brain.ts";
import { resolveConfig } from "../src/core/base/config.ts";
import { tidyKeywordIndex } from "../src/core/store/fts.ts";
import { benchDir, makeEntries, row, seeded, timeCli, timeRuns, type Row } from "./lib.ts";

export interface BenchDb {
  size: number;
  dbPath: string;
  brain: Brain;
  buildSeconds: number;
}

/** Builds a database of `size` realistic entries through the real capture path, in batches. */
export function buildDb(size: number): BenchDb {
  const dir = benchDir();
  const dbPath = path.join(dir, "brain.db");
  const brain = createBrain(resolveConfig({ dbPath, offsiteDir: null }, {}));
  const entries = makeEntries(size, size);
  const start = performance.now();
  for (let i = 0; i < entries.length; i += 2000) brain.entries.captureMany(entries.slice(i, i + 2000));
  brain.db.pragma("wal_checkpoint(TRUNCATE)");
  brain.db.exec("INSERT INTO entries_fts(entries_fts) VALUES ('optimize')");
  return { size, dbPath, brain, buildSeconds: (performance.now() - start) / 1000 };
}

/** Words that occur in the corpus, drawn from the head and the tail of its vocabulary. */
export function queryWords(db: BenchDb, count: number): string[] {
  const random = seeded(7);
  const texts = db.brain.entries.list({ limit: 500 }).map((e) => e.text.split(" "));
  return Array.from({ length: count }, () => {
    const words = texts[Math.floor(random() * texts.length)]!;
    return words[Math.floor(random() * words.length)]!;
  });
}

/** Capture and keyword search figures for one database size. */
export async function benchStore(db: BenchDb): Promise<Row[]> {
  const size = db.size.toLocaleString("en");
  const words = queryWords(db, 300);
  const { brain } = db;
  const rows: Row[] = [];
  rows.push(
    row(
      "capture, in process",
      size,
      await timeRuns(200, (i) => brain.entries.capture({ text: `bench capture ${i} about postgres #bench` })),
    ),
  );
  const one = await timeRuns(300, (i) => brain.search(words[i]!, { mode: "keyword" }));
  rows.push(row("keyword search, one word", size, one, db.size >= 100_000 ? "p50 <= 5 ms" : "p50 <= 1 ms"));
  const several = await timeRuns(300, (i) =>
    brain.search(`${words[i]} ${words[(i + 1) % 300]} ${words[(i + 2) % 300]}`, { mode: "keyword" }),
  );
  rows.push(row("keyword search, three words", size, several));
  const prefix = await timeRuns(300, (i) => {
    const w = words[i]!;
    return brain.search(`${words[(i + 5) % 300]} ${w.slice(0, 2 + (i % 3))}`, {
      mode: "keyword",
      prefix: true,
    });
  });
  rows.push(row("as-you-type prefix search", size, prefix, db.size >= 100_000 ? "p95 <= 10 ms" : ""));
  const single = await timeRuns(300, (i) =>
    brain.search(words[i]!.slice(0, 2), { mode: "keyword", prefix: true }),
  );
  rows.push(row("as-you-type, 2-letter prefix alone", size, single));
  // The 200 captures above left the keyword index in small segments; the embedder's pass (every
  // 5 minutes, and after a capture embedded at once) merges them (store/fts.ts).
  const started = performance.now();
  const steps = tidyKeywordIndex(brain.db, Number.MAX_SAFE_INTEGER);
  const tidyMs = performance.now() - started;
  const tidied = await timeRuns(300, (i) => brain.search(words[i]!, { mode: "keyword" }));
  rows.push(
    row(
      "keyword search, one word, after the embedder tidied the index",
      size,
      tidied,
      "",
      `${steps} merge steps, ${tidyMs.toFixed(0)} ms`,
    ),
  );
  return rows;
}

/** Whole-process figures: a CLI capture, and a fresh process that opens the database and searches. */
export async function benchProcesses(db: BenchDb): Promise<Row[]> {
  const size = db.size.toLocaleString("en");
  const env = { BRAIN_DB: db.dbPath };
  const capture = await timeRuns(20, (i) => timeCli(["capture", `cli capture ${i} #bench`], env), 2);
  const searchRuns = await timeRuns(20, () => timeCli(["search", "postgres", "--mode", "keyword"], env), 2);
  return [
    row("capture, whole CLI process", size, capture, "p50 <= 250 ms"),
    row("fresh process: open + one search", size, searchRuns),
  ];
}
