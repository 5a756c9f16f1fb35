import { createBrain } from "../src/core/brain.ts";
import { resolveConfig } from "../src/core/base/config.ts";
import type { ChatModel, Embedder } from "../src/core/base/ports.ts";
import { row, type Row } from "./lib.ts";
import { queryWords, type BenchDb } from "./store.ts";
import { clusteredVectors, loadVectors } from "./vector-data.ts";

const MODEL = "bench-1024";

/**
 * `ask`'s own time: from the question to the request handed to the chat model (hybrid retrieval,
 * keyword coverage, packing, prompt building). The model is a double that records when it is
 * called and answers at once; the query vector comes from a stub: neither model's time is ours.
 */
export async function benchAsk(db: BenchDb): Promise<Row[]> {
  const handle = db.brain.db;
  const hasVectors = handle.prepare("SELECT 1 FROM embedding_models WHERE name = ?").get(MODEL);
  if (!hasVectors) loadVectors(db);
  const queryVectors = clusteredVectors(64, 5);
  const embedder: Embedder = {
    model: MODEL,
    dimensions: 1024,
    embed: async (texts) => texts.map((t) => queryVectors[t.length % queryVectors.length]!),
  };
  let calledAt = 0;
  let contextSize = 0;
  const chat: ChatModel = {
    route: "local",
    model: "bench-chat",
    contextTokens: 8192,
    async *chat(messages) {
      calledAt = performance.now();
      contextSize += messages.reduce((n, m) => n + m.content.length, 0);
      yield "ok [1]";
    },
  };
  const brain = createBrain(resolveConfig({ dbPath: db.dbPath, offsiteDir: null, embedModel: MODEL }, {}), {
    embedderFor: () => embedder,
    chat,
  });
  try {
    const words = queryWords(db, 400);
    const questions = Array.from(
      { length: 200 },
      (_, i) => `what did I note about ${words[2 * i]} ${words[2 * i + 1]}?`,
    );
    for (let i = 0; i < 5; i++) await brain.ask(questions[i]!);
    const toModel: number[] = [];
    let abstained = 0;
    contextSize = 0;
    for (const question of questions) {
      calledAt = 0;
      const start = performance.now();
      const result = await brain.ask(question);
      if (result.abstained) abstained++;
      else toModel.push(calledAt - start);
    }
    const size = db.size.toLocaleString("en");
    const mean = Math.round(contextSize / Math.max(1, toModel.length));
    return [
      row(
        "ask: question to model request (retrieval + prompt)",
        size,
        toModel,
        db.size >= 100_000 ? "<= 20 ms" : "",
        `${toModel.length} of ${questions.length} questions reached the model (${abstained} abstained); prompt ${mean} chars on average`,
      ),
    ];
  } finally {
    brain.close();
  }
}
