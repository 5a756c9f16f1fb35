import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bitIndexFor } from "../src/core/embed/bit-index.ts";
import { BLOCK_ROWS, sealBitBlocks } from "../src/core/embed/bit-blocks.ts";
import type { Brain } from "../src/core/brain.ts";
import {
  convertVectors,
  floatVectorCount,
  reclaimSpace,
  vacuumWhenQuiet,
} from "../src/core/embed/vector-convert.ts";
import {
  cosineToStored,
  encodeInt8,
  int8Bytes,
  signBits,
  storedToVector,
  vectorToBlob,
} from "../src/core/embed/vector-math.ts";
import { recentreIfStale } from "../src/core/embed/vector-models.ts";
import { ensureModel, getModel, nearest, writeEntryVectors } from "../src/core/embed/vectors.ts";
import { runBrain } from "./support/cli.ts";
import { testBrain } from "./support/tmp.ts";
import { randomVectors, brainWithVectors, toOldChunkRows } from "./support/vectors.ts";

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

/** A brain whose `count` entries have vectors stored the way they were before int8 (float32). */
function oldBrain(count: number, dims: number): { brain: Brain; vectors: Float32Array[] } {
  const vectors = randomVectors(count, dims, 11);
  const brain = brainWithVectors(vectors);
  toOldChunkRows(brain, vectors, vectorToBlob, null);
  recentreIfStale(brain.db, getModel(brain.db, "m")!);
  return { brain, vectors };
}

const vectorLengths = (brain: Brain) =>
  brain.db.prepare("SELECT length(vector) AS n FROM chunks GROUP BY n ORDER BY n").pluck().all() as number[];

describe("int8 vectors", () => {
  it("keeps the cosine to within 0.002 of float32 in a quarter of the bytes", () => {
    const [a, ...others] = randomVectors(50, 1024, 3);
    for (const b of others) {
      const stored = encodeInt8(b);
      expect(stored.byteLength).toBe(1024 + 4 + 64);
      expect(Math.abs(cosineToStored(a!, stored, 1024) - dot(a!, b))).toBeLessThan(0.002);
      expect(dot(storedToVector(stored, 1024), b)).toBeGreaterThan(0.9999);
    }
    expect(cosineToStored(a!, vectorToBlob(others[0]!), 1024)).toBeCloseTo(dot(a!, others[0]!), 6);
  });

  it("takes the cosine in WebAssembly as the decoded vector's dot product, at every length", () => {
    for (const dims of [16, 768, 1024, 1536, 100]) {
      const [query, ...others] = randomVectors(20, dims, dims);
      for (const b of others) {
        const stored = encodeInt8(b);
        expect(
          Math.abs(cosineToStored(query!, stored, dims) - dot(query!, storedToVector(stored, dims))),
        ).toBeLessThan(1e-6);
      }
    }
    expect(cosineToStored(randomVectors(1, 32, 1)[0]!, encodeInt8(new Float32Array(32)), 32)).toBe(0);
  });

  it("is how new vectors are stored", () => {
    const brain = testBrain();
    const [vector] = randomVectors(1, 100, 5);
    brain.db
      .transaction(() => {
        const model = ensureModel(brain.db, "m", 100, 0);
        const { entry } = brain.entries.capture({ text: "one" });
        writeEntryVectors(brain.db, model, entry.id, entry.hash, [
          { seq: 0, start: 0, end: 1, vector: vector! },
        ]);
      })
      .immediate();
    expect(vectorLengths(brain)).toEqual([int8Bytes(100)]);
    expect(int8Bytes(100)).toBe(100 + 4 + 7);
  });
});

describe("converting a brain's float32 vectors in place", () => {
  it("finds the same entries before, during and after, and says when it is done", () => {
    const { brain, vectors } = oldBrain(600, 256);
    const model = getModel(brain.db, "m")!;
    const queries = vectors.slice(0, 20);
    // Each query is a stored vector: it finds itself first; the next four can trade places when
    // their scores are closer than int8's rounding, but no score moves by more than that.
    const top = () =>
      queries.map((q) => {
        const hits = nearest(brain.db, model, q, 5);
        return { first: hits[0]!.entryId, scores: hits.map((h) => h.similarity) };
      });
    const same = (got: ReturnType<typeof top>, want: ReturnType<typeof top>) =>
      got.forEach((g, i) => {
        expect(g.first).toBe(want[i]!.first);
        g.scores.forEach((score, j) => expect(Math.abs(score - want[i]!.scores[j]!)).toBeLessThan(0.003));
      });
    const before = top();
    expect(floatVectorCount(brain.db, model)).toBe(600);
    expect(brain.status().embedding.models[0]!.float32_vectors).toBe(600);
    // Half-way (a page at a time, as a killed conversion would leave it): both forms are read.
    let during: ReturnType<typeof top> = [];
    convertVectors(brain.db, {
      page: 100,
      onPage: (n) => {
        if (n === 300) during = top();
      },
    });
    expect(during).toHaveLength(20);
    same(during, before);
    same(top(), before);
    expect(vectorLengths(brain)).toEqual([int8Bytes(256)]);
    expect(floatVectorCount(brain.db, model)).toBe(0);
    expect(brain.status().embedding.models[0]!.float32_vectors).toBe(0);
    expect(convertVectors(brain.db)).toBe(0);
  });

  it("shows in `brain status`: bytes per chunk, and the vectors still float32 until converted", async () => {
    const { brain } = oldBrain(40, 64);
    const before = (await runBrain(["status"], { db: brain.config.dbPath })).stdout;
    expect(before).toContain("m (64-d): 40 vectors, 40 still float32 (the next `brain embed` converts them)");
    convertVectors(brain.db);
    brain.db.pragma("wal_checkpoint(TRUNCATE)");
    const after = await runBrain(["status"], { db: brain.config.dbPath });
    expect(after.stdout).toContain("m (64-d): 40 vectors\n");
    const perChunk = Math.round(fs.statSync(brain.config.dbPath).size / 40);
    expect(after.stdout).toContain(`          ${perChunk} bytes per chunk\n`);
  });

  it("resumes after the converting process is killed mid-way", async () => {
    const { brain, vectors } = oldBrain(1500, 256);
    const model = getModel(brain.db, "m")!;
    const child = spawn(
      process.execPath,
      [path.join(import.meta.dirname, "support", "convert-child.ts"), brain.config.dbPath, "50", "30"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const printed = await new Promise<string>((resolve) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        if (out.split("\n").length > 3) {
          child.kill("SIGKILL");
          resolve(out);
        }
      });
    });
    await new Promise((resolve) => child.on("close", resolve));
    expect(printed).not.toContain("done");
    expect(brain.db.pragma("integrity_check", { simple: true })).toBe("ok");
    const left = floatVectorCount(brain.db, model);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(1500);
    expect(left % 50).toBe(0);
    // Searchable in the mixed state, then converted by the next run.
    expect(nearest(brain.db, model, vectors[7]!, 1)[0]!.entryId).toBe(8);
    expect(convertVectors(brain.db)).toBe(left);
    expect(vectorLengths(brain)).toEqual([int8Bytes(256)]);
    expect(nearest(brain.db, model, vectors[7]!, 1)[0]!.entryId).toBe(8);
  });

  it("gives the freed pages back to the file system", () => {
    const { brain } = oldBrain(2000, 1024);
    expect(brain.db.pragma("auto_vacuum", { simple: true })).toBe(2);
    brain.db.pragma("wal_checkpoint(TRUNCATE)");
    const before = fs.statSync(brain.config.dbPath).size;
    convertVectors(brain.db);
    expect(reclaimSpace(brain.db)).toBeGreaterThan(0);
    brain.db.pragma("wal_checkpoint(TRUNCATE)");
    const after = fs.statSync(brain.config.dbPath).size;
    expect(brain.db.pragma("freelist_count", { simple: true })).toBe(0);
    expect(after).toBeLessThan(before * 0.4);
    expect(brain.status().bytes_per_chunk).toBe(Math.round(after / 2000));
  });
});

describe("a database made before incremental vacuum", () => {
  it("is switched over by one VACUUM at a quiet moment, and not while another process writes", async () => {
    const { brain } = oldBrain(2000, 1024);
    brain.db.pragma("auto_vacuum = NONE");
    brain.db.exec("VACUUM");
    expect(brain.db.pragma("auto_vacuum", { simple: true })).toBe(0);
    convertVectors(brain.db);
    expect(reclaimSpace(brain.db)).toBe(0);
    const other = testBrainOn(brain);
    const writing = setInterval(() => other.entries.capture({ text: "meanwhile" }), 10);
    const busy = await vacuumWhenQuiet(brain.db, 200);
    clearInterval(writing);
    expect(busy).toBe(false);
    brain.db.pragma("wal_checkpoint(TRUNCATE)");
    const before = fs.statSync(brain.config.dbPath).size;
    expect(await vacuumWhenQuiet(brain.db, 200)).toBe(true);
    expect(brain.db.pragma("auto_vacuum", { simple: true })).toBe(2);
    expect(fs.statSync(brain.config.dbPath).size).toBeLessThan(before * 0.4);
    expect(await vacuumWhenQuiet(brain.db, 200)).toBe(false);
  });
});

describe("bit blocks", () => {
  it("load the same index as the chunks do, and are dropped when one of their chunks is deleted", () => {
    const vectors = randomVectors(BLOCK_ROWS * 2 + 500, 128, 9);
    const brain = brainWithVectors(vectors);
    const model = getModel(brain.db, "m")!;
    const query = signBits(vectors[4000]!, null);
    const unsealed = bitIndexFor(brain.db, model).nearest(query, 30);
    expect(sealBitBlocks(brain.db, model)).toBe(2);
    const blocks = () => brain.db.prepare("SELECT first_id, last_id FROM bit_blocks ORDER BY first_id").all();
    expect(blocks()).toEqual([
      { first_id: 1, last_id: BLOCK_ROWS },
      { first_id: BLOCK_ROWS + 1, last_id: 2 * BLOCK_ROWS },
    ]);
    const fresh = testBrainOn(brain);
    expect(bitIndexFor(fresh.db, model).nearest(query, 30)).toEqual(unsealed);
    expect(bitIndexFor(fresh.db, model).size).toBe(vectors.length);
    brain.entries.delete(4001);
    expect(blocks()).toEqual([{ first_id: BLOCK_ROWS + 1, last_id: 2 * BLOCK_ROWS }]);
    const afterDelete = testBrainOn(brain);
    expect(bitIndexFor(afterDelete.db, model).size).toBe(vectors.length - 1);
    expect(bitIndexFor(afterDelete.db, model).nearest(query, 30)).not.toContain(4001);
    expect(sealBitBlocks(brain.db, model)).toBe(1);
    expect(blocks()).toEqual([
      { first_id: 1, last_id: BLOCK_ROWS },
      { first_id: BLOCK_ROWS + 1, last_id: 2 * BLOCK_ROWS },
    ]);
    expect(bitIndexFor(testBrainOn(brain).db, model).size).toBe(vectors.length - 1);
  });
});

/** A second Brain (its own connection and bit index) on the same database file. */
function testBrainOn(brain: Brain): Brain {
  return testBrain({}, { dbPath: brain.config.dbPath });
}
