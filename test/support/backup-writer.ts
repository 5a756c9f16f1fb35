// A separate process that captures one entry per transaction, about `RATE` commits a second,
// until killed: the steady writer the backup tests run against (the problem report measured
// 84 commits/s). Prints each committed id. `node backup-writer.ts DB RATE`.
import { createBrain } from "../../src/core/brain.ts";
import { resolveConfig } from "../../src/core/base/config.ts";

const [dbPath, rateArg] = process.argv.slice(2);
const brain = createBrain(resolveConfig({ dbPath }, {}));
const intervalMs = 1000 / Number(rateArg ?? 100);
let stop = false;
process.on("SIGTERM", () => (stop = true));
for (let i = 0; !stop; i++) {
  const started = performance.now();
  const { entry } = brain.entries.capture({
    text: `writer entry ${i} ${"lorem ipsum ".repeat(i % 20)}`,
    tags: ["w"],
  });
  process.stdout.write(`${entry.id}\n`);
  await new Promise((resolve) =>
    setTimeout(resolve, Math.max(0, intervalMs - (performance.now() - started))),
  );
}
brain.close();
