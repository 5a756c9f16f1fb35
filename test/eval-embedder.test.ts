import { beforeAll, describe, expect, it } from "vitest";
import { isBrainError } from "../src/core/base/errors.ts";
import {
  createWinkEmbedder,
  fallbackVector,
  fitCommonComponent,
  loadWinkVectors,
  tokenize,
  WINK_MODEL,
  wordCounts,
} from "../eval/wink-embedder.ts";

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const norm = (a: Float32Array) => Math.sqrt(cosine(a, a));

describe("tokenize and wordCounts", () => {
  it("lowercases runs of letters and digits, dropping markup", () => {
    expect(tokenize("See [[Billing v2]] #Payments @maria: don't!")).toEqual([
      "see",
      "billing",
      "v2",
      "payments",
      "maria",
      "don",
      "t",
    ]);
    expect(wordCounts(["a b", "B c"])).toEqual(
      new Map([
        ["a", 1],
        ["b", 2],
        ["c", 1],
      ]),
    );
  });

  it("finds the direction a set of vectors shares", () => {
    const shared = Float32Array.from({ length: 100 }, (_, d) => (d === 3 ? 1 : 0));
    const vectors = [0, 1, 2, 4].map((other) =>
      Float32Array.from(shared, (x, d) => x + (d === 10 + other ? 0.3 : 0)),
    );
    const u = fitCommonComponent(vectors);
    expect(Math.abs(u[3] ?? 0)).toBeGreaterThan(0.98);
    expect(fitCommonComponent(vectors)).toEqual(u);
  });

  it("gives a text without known words a seeded unit vector", () => {
    const v = fallbackVector("zzqx 123");
    expect(norm(v)).toBeCloseTo(1, 5);
    expect(fallbackVector("zzqx 123")).toEqual(v);
    expect(Math.abs(cosine(v, fallbackVector("other")))).toBeLessThan(0.5);
  });
});

describe("createWinkEmbedder (real word vectors)", () => {
  const vectors = loadWinkVectors();
  const embedder = createWinkEmbedder({ vectors });

  beforeAll(async () => {
    await embedder.load();
  });

  it("names its model and reports the load", () => {
    expect(embedder.model).toBe(WINK_MODEL);
    expect(embedder.dimensions).toBe(100);
    const stats = embedder.stats();
    expect(stats.vocabulary).toBe(341479);
    expect(stats.loadMs).toBeGreaterThan(0);
  });

  it("puts related words closer than unrelated ones", async () => {
    const [car, automobile, banana] = await embedder.embed(["car", "automobile", "banana"]);
    expect(cosine(car!, automobile!)).toBeGreaterThan(cosine(car!, banana!) + 0.2);
    const [invoice, bill, holiday] = await embedder.embed([
      "the customer invoice was paid late",
      "client bill payment overdue",
      "we flew to the beach for a holiday",
    ]);
    expect(cosine(invoice!, bill!)).toBeGreaterThan(cosine(invoice!, holiday!));
  });

  it("returns unit vectors, deterministically, in input order", async () => {
    const texts = ["Decided to move the billing database to Postgres 16", "car", "qwzzxv"];
    const first = await embedder.embed(texts);
    const again = await createWinkEmbedder({ vectors }).embed([...texts].reverse());
    expect(again.reverse()).toEqual(first);
    for (const v of first) {
      expect(v).toHaveLength(100);
      expect(norm(v)).toBeCloseTo(1, 5);
      expect(v.every(Number.isFinite)).toBe(true);
    }
    expect(embedder.stats().oovTexts).toBeGreaterThanOrEqual(1);
  });

  it("weights frequent words down (SIF): a stop word barely moves the vector", async () => {
    const [plain, padded] = await embedder.embed([
      "turbulent boundary layer",
      "the turbulent boundary layer of the",
    ]);
    expect(cosine(plain!, padded!)).toBeGreaterThan(0.99);
    const counts = wordCounts(["layer layer layer layer layer layer layer layer layer turbulent boundary"]);
    const [collection] = await createWinkEmbedder({ vectors, frequencies: counts }).embed([
      "turbulent boundary layer",
    ]);
    // "layer" is frequent in this collection, so it weighs less than without the counts.
    const [layer] = await embedder.embed(["layer"]);
    expect(cosine(collection!, layer!)).toBeLessThan(cosine(plain!, layer!));
  });

  it("projects out a common component when given one", async () => {
    const texts = ["invoice paid", "invoice overdue", "invoice sent", "banana bread"];
    const plain = await embedder.embed(texts);
    const commonComponent = fitCommonComponent(plain);
    const stripped = createWinkEmbedder({ vectors, commonComponent });
    expect(stripped.model).toBe(`${WINK_MODEL}, common component removed`);
    const after = await stripped.embed(texts);
    for (const v of after) {
      expect(Math.abs(cosine(v, commonComponent))).toBeLessThan(1e-5);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  it("refuses a cancelled call", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(embedder.embed(["car"], { signal: controller.signal })).rejects.toSatisfy((err: unknown) =>
      isBrainError(err, "cancelled"),
    );
  });
});
