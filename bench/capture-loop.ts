// Captures in a loop until stopped, printing each capture's duration in ms: used by the bench
// to measure how long another process's writes make a capture wait.
import { createBrain } from "../src/core/brain.ts";
import { resolveConfig } from "../src/core/base/config.ts";

const brain = createBrain(resolveConfig({ dbPath: process.argv[2] }, {}));
let stop = false;
process.on("SIGTERM", () => (stop = true));
let i = 0;
while (!stop) {
  const start = performance.now();
  brain.entries.capture({ text: `capture during embed ${i++}` });
  process.stdout.write(`${(performance.now() - start).toFixed(3)}\n`);
  await new Promise((r) => setTimeout(r, 5));
}
brain.close();
