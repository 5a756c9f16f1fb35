import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Collection } from "../eval/collection.ts";
import { embedderName, evaluateCollection } from "../eval/evaluate.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { closedPort } from "./support/net.ts";

const collection: Collection = {
  name: "tiny",
  docs: [
    { ref: "a", text: "We chose Postgres for the billing service." },
    { ref: "b", text: "Maria prefers pnpm over npm for the monorepo." },
    { ref: "c", text: "The offsite is in Lisbon in March." },
  ],
  queries: [
    { id: "q1", text: "billing database", relevant: new Map([["a", 2]]) },
    { id: "q2", text: "package manager", relevant: new Map([["b", 1]]) },
  ],
};

let ollama: FakeOllamaServer;
const savedHost = process.env.OLLAMA_HOST;

beforeAll(async () => {
  ollama = await FakeOllamaServer.start({ dimensions: 1024 });
});
afterAll(async () => {
  process.env.OLLAMA_HOST = savedHost;
  if (savedHost === undefined) delete process.env.OLLAMA_HOST;
  await ollama.close();
});

describe("the evaluation with the configured Ollama model (as on a Mac)", () => {
  it("embeds through Ollama's API, names the model, and measures every mode", async () => {
    process.env.OLLAMA_HOST = ollama.url;
    expect(embedderName({ kind: "ollama" })).toBe(`mxbai-embed-large (Ollama at ${ollama.url})`);
    const { rows } = await evaluateCollection(collection, { embedder: { kind: "ollama" } });
    expect(rows.map((r) => r.mode)).toEqual(["plain BM25", "keyword", "semantic", "hybrid", "hybrid+graph"]);
    expect(rows.every((r) => r.metrics.n === 2)).toBe(true);
    expect(ollama.requestsTo("/api/embed").length).toBeGreaterThan(0);
    // The keyword list finds the billing note by its own words.
    expect(rows.find((r) => r.mode === "keyword")!.metrics.recallAt10).toBeGreaterThan(0);
  });

  it("stops with the reason when Ollama is not running, instead of reporting empty figures", async () => {
    process.env.OLLAMA_HOST = `http://127.0.0.1:${await closedPort()}`;
    await expect(evaluateCollection(collection, { embedder: { kind: "ollama" } })).rejects.toThrow(
      /not reachable.*ollama serve/,
    );
  });
});
