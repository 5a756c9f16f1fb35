// A separate process that captures entries one transaction at a time, printing each id once it
// is committed. Used by the concurrency and crash tests: `node writer.ts DB COUNT TAG [BATCH]`.
import { createBrain } from "../../src/core/brain.ts";
import { resolveConfig } from "../../src/core/base/config.ts";

const [dbPath, countArg, tag, batchArg] = process.argv.slice(2);
const brain = createBrain(resolveConfig({ dbPath }, {}));
const count = Number(countArg);
const batch = Number(batchArg ?? 1);
for (let i = 0; i < count; i += batch) {
  const inputs = Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({
    text: `${tag} entry ${i + j} ${"lorem ipsum ".repeat((i + j) % 20)}`,
    tags: [tag ?? "writer"],
  }));
  const results = brain.entries.captureMany(inputs);
  process.stdout.write(`${results.map((r) => r.entry.id).join("\n")}\n`);
}
brain.close();
