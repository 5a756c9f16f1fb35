// `npm run bench`: builds databases of realistic entries and prints p50/p95 tables and ratios.
// Sizes: BENCH_SIZES=10000,100000 (default); BENCH_ONLY=<section>[,<section>] runs only those.
// Figures are from this run only; compare ratios, not numbers from another machine.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { printTable, type Row } from "./lib.ts";
import { buildDb, benchProcesses, benchStore, type BenchDb } from "./store.ts";
import { benchVectors, captureStallDuringEmbed } from "./vectors.ts";

/** One table of the report. Each section measures what its issue asks for, on the same databases. */
interface Section {
  title: string;
  run(db: BenchDb): Promise<{ rows: Row[]; ratios?: string[] }>;
}

const sections: Section[] = [
  {
    title: "Memory store and keyword search",
    run: async (db) => ({ rows: [...(await benchStore(db)), ...(await benchProcesses(db))] }),
  },
  {
    title: "Meaning: vectors (1024-d) and hybrid search",
    run: async (db) => {
      const { rows, ratios } = await benchVectors(db);
      rows.push(await captureStallDuringEmbed(db));
      return { rows, ratios };
    },
  },
];

sections.push({
  title: "Backups",
  run: async (db) => ({ rows: await (await import("./backup.ts")).benchBackup(db) }),
});

// Above 100k (BENCH_SIZES=1000000) only the store, meaning and backup sections run: those are the
// figures a million chunks is measured by.
const small = (db: BenchDb) => db.size <= 100_000;

sections.push({
  title: "Ask",
  run: async (db) => ({ rows: small(db) ? await (await import("./ask.ts")).benchAsk(db) : [] }),
});

sections.push({
  title: "Agent loop: ask --agent per step, without model time",
  run: async (db) => ({ rows: small(db) ? await (await import("./agent.ts")).benchAgent(db) : [] }),
});

sections.push({
  title: "Connected knowledge: graph, import, boot",
  run: async (db) => ({ rows: small(db) ? await (await import("./graph.ts")).benchGraph(db) : [] }),
});

sections.push({
  title: "Privacy gate: MCP search with the egress ledger",
  run: async (db) => ({ rows: await (await import("./mcp.ts")).benchMcp(db) }),
});

sections.push({
  title: "Memory quality: time in questions, duplicates, feedback",
  run: async (db) => ({ rows: await (await import("./quality.ts")).benchQuality(db) }),
});

// BENCH_ONLY=quality runs the sections whose title starts with that word (case-insensitive);
// BENCH_ONLY=meaning,backups those that start with either (a backup of a database with vectors).
const only = process.env.BENCH_ONLY?.toLowerCase().split(",");
if (only)
  sections.splice(
    0,
    sections.length,
    ...sections.filter((s) => only.some((word) => s.title.toLowerCase().startsWith(word.trim()))),
  );

const sizes = (process.env.BENCH_SIZES ?? "10000,100000").split(",").map(Number);
console.log(`# Local Brain benchmark`);
console.log(
  `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${new Date().toISOString()}`,
);

const results = sections.map(() => ({ rows: [] as Row[], ratios: [] as string[] }));
for (const size of sizes) {
  const db = buildDb(size);
  console.log(`built ${size.toLocaleString("en")} entries in ${db.buildSeconds.toFixed(1)} s`);
  for (const [i, section] of sections.entries()) {
    const { rows, ratios = [] } = await section.run(db);
    // Each section's rows as soon as they are measured (stderr), so a long run that stops later
    // keeps them; the tables on stdout group every size by section at the end.
    if (rows.length) console.error(rows.map((r) => JSON.stringify(r)).join("\n"));
    results[i]!.rows.push(...rows);
    results[i]!.ratios.push(...ratios);
  }
  db.brain.close();
  // The database and what the sections wrote beside it (2.4 GB at a million): gone with the run.
  fs.rmSync(path.dirname(db.dbPath), { recursive: true, force: true });
}
for (const [i, section] of sections.entries()) {
  printTable(section.title, results[i]!.rows);
  if (results[i]!.ratios.length) console.log(`\n${results[i]!.ratios.map((r) => `- ${r}`).join("\n")}`);
}
