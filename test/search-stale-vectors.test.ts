import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOllamaEmbedder } from "../src/core/adapters/ollama-embedder.ts";
import { getModel, nearest, normalize } from "../src/core/embed/index.ts";
import { steerTowards } from "../src/core/search/semantic.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { testBrain } from "./support/tmp.ts";

/**
 * An edited entry keeps the vectors of its old text until the embedder's next pass. Meaning search
 * must not find it by words it no longer has meanwhile; keyword search finds it by the new ones.
 */
describe("meaning search after an edit, before the next embedder pass", () => {
  // Unit directions (padded to 1024 by the fake server): the question is the old text's direction.
  const VECTORS: Record<string, number[]> = {
    sofa: [1, 0, 0],
    "the cat sleeps on the sofa": [1, 0, 0],
    "the dog sleeps on the rug": [0.3, Math.sqrt(1 - 0.09), 0],
    "a sofa from the flea market": [0.6, 0, 0.8],
  };
  let ollama: FakeOllamaServer;

  beforeEach(async () => {
    ollama = await FakeOllamaServer.start();
    for (const [text, vector] of Object.entries(VECTORS)) ollama.setVector(text, vector);
  });
  afterEach(() => ollama.close());

  async function brainWithEdit() {
    const brain = testBrain(
      { embedderFor: (model) => createOllamaEmbedder({ host: ollama.url, model, dimensions: 1024 }) },
      { ollamaHost: ollama.url },
    );
    const edited = brain.entries.capture({ text: "the cat sleeps on the sofa" }).entry.id;
    const flea = brain.entries.capture({ text: "a sofa from the flea market" }).entry.id;
    await brain.embed();
    brain.entries.edit(edited, { text: "the dog sleeps on the rug" });
    return { brain, edited, flea };
  }

  it("leaves the entry out of meaning search until it is embedded again, then finds it by its new text", async () => {
    const { brain, edited, flea } = await brainWithEdit();
    const stale = await brain.search("sofa", { mode: "semantic" });
    expect(stale.results.map((r) => [r.id, r.ranks])).toEqual([[flea, { semantic: 1 }]]);
    // With a filter, the candidates that pass are too few and every vector is scanned: same answer.
    const filtered = await brain.search("sofa", { mode: "semantic", kind: "note" });
    expect(filtered.results.map((r) => r.id)).toEqual([flea]);
    // Keyword search finds it by what it says now.
    const rug = await brain.search("rug", { mode: "hybrid" });
    expect(rug.results.map((r) => [r.id, r.ranks])).toEqual([
      [edited, { keyword: 1 }],
      [flea, { semantic: 1 }],
    ]);
    expect(await brain.embed()).toMatchObject({ embedded: 1, pending: 0 });
    const fresh = await brain.search("sofa", { mode: "semantic" });
    expect(fresh.results.map((r) => r.id)).toEqual([flea, edited]);
    expect(fresh.results[1]!.similarity).toBeCloseTo(0.3, 2);
  });

  it("keeps the old vectors out of the embedder's neighbours and of hybrid search's steering", async () => {
    const { brain, edited, flea } = await brainWithEdit();
    const model = getModel(brain.db, brain.config.embedModel)!;
    const sofa = unit(VECTORS.sofa!);
    // What the embedder links a newly embedded entry to (embed-batch.ts, findNeighbours).
    expect(nearest(brain.db, model, sofa, 8).map((h) => h.entryId)).toEqual([flea]);
    // A keyword match with only old vectors does not move the meaning query.
    expect(steerTowards(brain.db, model, sofa, [edited])).toBe(sofa);
    await brain.embed();
    expect(nearest(brain.db, model, sofa, 8).map((h) => h.entryId)).toEqual([flea, edited]);
    expect(steerTowards(brain.db, model, sofa, [edited])).not.toBe(sofa);
  });
});

/** A direction padded to the model's 1024 components. */
function unit(direction: number[]): Float32Array {
  return normalize(Float32Array.from({ length: 1024 }, (_, i) => direction[i] ?? 0));
}
