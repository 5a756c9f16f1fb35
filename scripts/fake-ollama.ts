/**
 * Starts the test suite's fake Ollama on a port, for trying the CLI without a real model:
 *
 *   node scripts/fake-ollama.ts [--port 11434] [--dimensions 1024] [--model NAME]... [--turns FILE]
 *
 * then in another terminal: `OLLAMA_HOST=http://127.0.0.1:11434 npm run brain -- embed`.
 * Vectors are a hashed bag of words, chat answers echo the question. `--turns FILE` scripts the
 * tool-calling turns `brain ask --agent` gets: a JSON list such as
 * `[{"calls": [{"name": "search", "arguments": {"query": "billing"}}]}, {"content": "Stripe [1]."}]`
 * (the last one repeats). Ctrl-C stops it.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_MODELS, FakeOllamaServer, type FakeTurn } from "../test/support/fake-ollama.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "11434" },
    dimensions: { type: "string", default: "1024" },
    model: { type: "string", multiple: true },
    turns: { type: "string" },
  },
});

const port = Number(values.port);
const dimensions = Number(values.dimensions);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(dimensions) || dimensions < 1) {
  console.error(
    "Usage: node scripts/fake-ollama.ts [--port 11434] [--dimensions 1024] [--model NAME]... [--turns FILE]",
  );
  process.exit(2);
}

const server = await FakeOllamaServer.start({
  port,
  dimensions,
  models: values.model ?? DEFAULT_MODELS,
}).catch((err: unknown) => {
  console.error(`Cannot listen on 127.0.0.1:${port}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
if (values.turns) server.replyTurns(JSON.parse(fs.readFileSync(values.turns, "utf8")) as FakeTurn[]);
console.log(
  `Fake Ollama listening on ${server.url} (models: ${server.models.join(", ")}; ${dimensions} dimensions)`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void server.close().then(() => process.exit(0)));
}
