import { describe, expect, it } from "vitest";
import type { Brain } from "../src/core/brain.ts";
import { convertVectors } from "../src/core/embed/vector-convert.ts";
import { cosineToStored, encodeInt8, normalize, vectorToBlob } from "../src/core/embed/vector-math.ts";
import { cosineWithResidual, encodeResidual, residualBytes } from "../src/core/embed/residuals.ts";
import { ensureModel, exactScan, getModel, nearest, writeEntryVectors } from "../src/core/embed/vectors.ts";
import { encodeInt8Per64 } from "./support/int8-per-64.ts";
import { runBrain } from "./support/cli.ts";
import { testBrain } from "./support/tmp.ts";
import { brainWithVectors, randomVectors, toOldChunkRows } from "./support/vectors.ts";

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

const residualIds = (brain: Brain) =>
  brain.db.prepare("SELECT id FROM chunk_residuals ORDER BY id").pluck().all() as number[];

/** A unit vector whose cosine to unit `q` is exactly `cos` (up to float32), in direction `u` otherwise. */
function atCosine(q: Float32Array, u: Float32Array, cos: number): Float32Array {
  const along = dot(u, q);
  const side = normalize(Float32Array.from(u, (x, i) => x - along * q[i]!));
  return normalize(Float32Array.from(q, (x, i) => cos * x + Math.sqrt(1 - cos * cos) * side[i]!));
}

/**
 * Two vectors 4e-5 apart in cosine to `query` (`nearer` the nearer) that int8 alone ranks the
 * other way round, and int8 with residuals the right way: a near tie of the kind a million chunks
 * hold around every query.
 */
function nearTie(): { query: Float32Array; nearer: Float32Array; farther: Float32Array } {
  const query = randomVectors(1, 1024, 41)[0]!;
  const directions = randomVectors(400, 1024, 43);
  const score = (v: Float32Array) => ({
    int8: cosineToStored(query, encodeInt8(v), 1024),
    residual: cosineWithResidual(query, encodeInt8(v), encodeResidual(v, encodeInt8(v)), 1024),
  });
  for (let i = 0; i + 1 < directions.length; i += 2) {
    const nearer = atCosine(query, directions[i]!, 0.85 + 4e-5);
    const farther = atCosine(query, directions[i + 1]!, 0.85);
    const [n, f] = [score(nearer), score(farther)];
    if (n.int8 < f.int8 && n.residual > f.residual) return { query, nearer, farther };
  }
  throw new Error("no near tie among the directions");
}

describe("residuals: what int8 rounds away, kept for a large brain's chunks", () => {
  it("bring a cosine at least three times nearer to float32's than int8 alone", () => {
    const vectors = randomVectors(200, 1024, 31);
    const queries = randomVectors(200, 1024, 37).map((noise, i) =>
      normalize(Float32Array.from(vectors[i]!, (x, d) => x + 0.6 * noise[d]!)),
    );
    let int8Worst = 0;
    let residualWorst = 0;
    vectors.forEach((v, i) => {
      const exact = dot(queries[i]!, v);
      const stored = encodeInt8(v);
      const residual = encodeResidual(v, stored);
      expect(residual.byteLength).toBe(residualBytes(1024));
      expect(residual.byteLength).toBe(256);
      int8Worst = Math.max(int8Worst, Math.abs(cosineToStored(queries[i]!, stored, 1024) - exact));
      residualWorst = Math.max(
        residualWorst,
        Math.abs(cosineWithResidual(queries[i]!, stored, residual, 1024) - exact),
      );
    });
    expect(int8Worst).toBeGreaterThan(0);
    expect(residualWorst).toBeLessThan(int8Worst / 3);
  });

  it("are kept for the chunks written once the model holds residuals_from chunks, and go with them", () => {
    const fresh = testBrain();
    expect(fresh.db.transaction(() => ensureModel(fresh.db, "m", 64, 0)).immediate().residualsFrom).toBe(
      100_000,
    );
    const vectors = randomVectors(5, 1024, 3);
    const brain = brainWithVectors(vectors, 3);
    expect(residualIds(brain)).toEqual([4, 5]);
    const stored = brain.db
      .prepare("SELECT residual FROM chunk_residuals WHERE id = 4")
      .pluck()
      .get() as Buffer;
    expect(stored).toEqual(encodeResidual(vectors[3]!, encodeInt8(vectors[3]!)));
    brain.entries.delete(4);
    expect(residualIds(brain)).toEqual([5]);
    // Embedded again (an edit), entry 1's chunk is a new row past the mark: it keeps one now.
    const model = getModel(brain.db, "m")!;
    const entry = brain.entries.get(1);
    brain.db
      .transaction(() =>
        writeEntryVectors(brain.db, model, entry.id, entry.hash, [
          { seq: 0, start: 0, end: 1, vector: vectors[0]! },
        ]),
      )
      .immediate();
    expect(residualIds(brain)).toEqual([5, 6]);
  });

  it("show in `brain status` once the model's new vectors keep them", async () => {
    const small = brainWithVectors(randomVectors(2, 64, 7), 3);
    expect((await runBrain(["status"], { db: small.config.dbPath })).stdout).toContain(
      "m (64-d): 2 vectors\n",
    );
    const large = brainWithVectors(randomVectors(3, 64, 7), 3);
    expect((await runBrain(["status"], { db: large.config.dbPath })).stdout).toContain(
      "m (64-d): 3 vectors, new vectors keep residuals (past 3)\n",
    );
  });

  it("decide a near tie that int8 alone gets wrong, in the candidate search and in the exact scan", () => {
    const { query, nearer, farther } = nearTie();
    for (const [residualsFrom, winner] of [
      [0, "entry 0"],
      [100_000, "entry 1"],
    ] as const) {
      const brain = brainWithVectors([nearer, farther], residualsFrom);
      const model = getModel(brain.db, "m")!;
      const text = (hits: { entryId: number }[]) => brain.entries.get(hits[0]!.entryId)!.text;
      expect(text(nearest(brain.db, model, query, 1))).toBe(winner);
      expect(text(exactScan(brain.db, model, query, 1))).toBe(winner);
    }
  });

  it("are made for float32 vectors of an older brain as they convert, never for vectors already int8", () => {
    const vectors = randomVectors(6, 1024, 5);
    const brain = brainWithVectors(vectors, 0);
    brain.db.prepare("DELETE FROM chunk_residuals").run();
    toOldChunkRows(brain, vectors, vectorToBlob, null);
    const toInt8 = brain.db.prepare("UPDATE chunks SET vector = ? WHERE id = ?");
    for (const id of [4, 5, 6]) toInt8.run(encodeInt8Per64(vectors[id - 1]!), id);
    expect(convertVectors(brain.db)).toBe(6);
    expect(residualIds(brain)).toEqual([1, 2, 3]);
    const stored = brain.db
      .prepare("SELECT residual FROM chunk_residuals WHERE id = 2")
      .pluck()
      .get() as Buffer;
    expect(stored).toEqual(encodeResidual(vectors[1]!, encodeInt8(vectors[1]!)));
  });
});
