// `npm run bench`: builds databases of realistic entries and prints p50/p95 tables.
// Sizes: BENCH_SIZES=10000,100000 (default). Figures are from this run only; compare ratios, not
// numbers from another machine.
import os from "node:os";
import { buildDb, benchProcesses, benchStore, printStore } from "./store.ts";
import type { Row } from "./lib.ts";

const sizes = (process.env.BENCH_SIZES ?? "10000,100000").split(",").map(Number);

console.log(`# Local Brain benchmark`);
console.log(
  `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${new Date().toISOString()}`,
);

const rows: Row[] = [];
for (const size of sizes) {
  const db = buildDb(size);
  console.log(
    `\nbuilt ${size.toLocaleString("en")} entries in ${db.buildSeconds.toFixed(1)} s (${db.dbPath})`,
  );
  rows.push(...(await benchStore(db)));
  rows.push(...(await benchProcesses(db)));
  db.brain.close();
}
printStore(rows);
