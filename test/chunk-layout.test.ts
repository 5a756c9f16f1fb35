import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { Brain } from "../src/core/brain.ts";
import { bitIndexFor } from "../src/core/embed/bit-index.ts";
import { sealBitBlocks } from "../src/core/embed/bit-blocks.ts";
import { convertVectors, reclaimSpace } from "../src/core/embed/vector-convert.ts";
import { encodeInt8, HEAD_BYTES, HEADS_JOIN, int8Bytes, STORED_SQL } from "../src/core/embed/vector-math.ts";
import { encodeInt8Per64 } from "./support/int8-per-64.ts";
import { countPending, getModel, nearest } from "../src/core/embed/vectors.ts";
import { testBrain } from "./support/tmp.ts";
import { randomVectors, brainWithVectors, toOldChunkRows } from "./support/vectors.ts";

interface ChunkRow {
  id: number;
  hash: string;
  bits: Buffer;
  vector: Buffer;
  head: Buffer | null;
}

const chunkRows = (brain: Brain) =>
  brain.db
    .prepare(
      "SELECT c.id, c.hash, c.bits, c.vector, h.head FROM chunks c LEFT JOIN chunk_heads h ON h.id = c.id ORDER BY c.id",
    )
    .all() as ChunkRow[];

/** Every chunk row as migration 012's int8 conversion left it (before 014). */
function toOldLayout(brain: Brain, vectors: Float32Array[]): void {
  toOldChunkRows(brain, vectors, encodeInt8Per64, getModel(brain.db, "m")!.mean);
}

describe("compact chunk rows (migration 014)", () => {
  it("store a 1024-d vector as a 1,008-byte head and an 80-byte rest, with no bits and a 16-character hash", () => {
    const vectors = randomVectors(3, 1024, 5);
    const brain = brainWithVectors(vectors);
    const rows = chunkRows(brain);
    const hash = brain.entries.get(1)!.hash;
    expect(rows[0]!.hash).toBe(hash.slice(0, 16));
    expect(rows[0]!.bits.byteLength).toBe(0);
    expect(rows[0]!.head!.byteLength).toBe(HEAD_BYTES);
    expect(rows[0]!.vector.byteLength).toBe(int8Bytes(1024) - HEAD_BYTES);
    expect(Buffer.concat([rows[0]!.head!, rows[0]!.vector])).toEqual(encodeInt8(vectors[0]!));
    // Readers take the two parts joined by SQLite, byte for byte.
    const stored = brain.db
      .prepare(`SELECT ${STORED_SQL} FROM chunks c ${HEADS_JOIN} ORDER BY c.id`)
      .pluck()
      .all() as Buffer[];
    expect(stored).toEqual(vectors.map((v) => encodeInt8(v)));
    expect(countPending(brain.db, getModel(brain.db, "m"))).toBe(0);
    brain.entries.delete(1);
    expect(brain.db.prepare("SELECT id FROM chunk_heads ORDER BY id").pluck().all()).toEqual([2, 3]);
  });

  it("keep a vector of 1,008 bytes or fewer whole in its chunk row", () => {
    const vectors = randomVectors(2, 768, 6);
    const brain = brainWithVectors(vectors);
    const rows = chunkRows(brain);
    expect(rows.map((r) => [r.head, r.vector.byteLength, r.bits.byteLength])).toEqual([
      [null, int8Bytes(768), 0],
      [null, int8Bytes(768), 0],
    ]);
    expect(
      brain.db.prepare(`SELECT ${STORED_SQL} FROM chunks c ${HEADS_JOIN} ORDER BY c.id`).pluck().all(),
    ).toEqual(vectors.map((v) => encodeInt8(v)));
  });

  it("convert in place: same results before, during and after, nothing re-embedded, space given back", () => {
    const vectors = randomVectors(2000, 1024, 7);
    const brain = brainWithVectors(vectors);
    toOldLayout(brain, vectors);
    const model = getModel(brain.db, "m")!;
    sealBitBlocks(brain.db, model);
    expect(countPending(brain.db, model)).toBe(0);
    const queries = vectors.slice(0, 20);
    const top = (db = brain.db) => queries.map((q) => nearest(db, model, q, 5));
    const before = top();
    brain.db.pragma("wal_checkpoint(TRUNCATE)");
    const bytesBefore = fs.statSync(brain.config.dbPath).size;
    let during: ReturnType<typeof top> = [];
    const converted = convertVectors(brain.db, {
      page: 256,
      onPage: (n) => {
        // A fresh process half-way: its bit index takes the converted rows' bits from their vectors.
        if (n === 1024) during = top(testBrain({}, { dbPath: brain.config.dbPath }).db);
      },
    });
    expect(converted).toBe(2000);
    // The int8 bytes are kept as they were, so every score is the same to the last bit.
    expect(during).toEqual(before);
    expect(top()).toEqual(before);
    expect(top(testBrain({}, { dbPath: brain.config.dbPath }).db)).toEqual(before);
    expect(countPending(brain.db, model)).toBe(0);
    const rows = chunkRows(brain);
    expect(
      rows.every(
        (r) =>
          r.bits.byteLength === 0 &&
          r.hash.length === 16 &&
          r.head!.byteLength === HEAD_BYTES &&
          r.vector.byteLength === 1088 - HEAD_BYTES,
      ),
    ).toBe(true);
    expect(brain.db.prepare("SELECT count(*) FROM bit_blocks").pluck().get()).toBe(0);
    expect(convertVectors(brain.db)).toBe(0);
    expect(reclaimSpace(brain.db)).toBeGreaterThan(0);
    brain.db.pragma("wal_checkpoint(TRUNCATE)");
    expect(brain.db.pragma("freelist_count", { simple: true })).toBe(0);
    expect(fs.statSync(brain.config.dbPath).size).toBeLessThan(bytesBefore * 0.9);
  });

  it("seals the bit blocks again after converting, from the vectors, as the rows' bits were", () => {
    const vectors = randomVectors(4096 + 100, 256, 8);
    const brain = brainWithVectors(vectors);
    const model = getModel(brain.db, "m")!;
    toOldLayout(brain, vectors);
    expect(sealBitBlocks(brain.db, model)).toBe(1);
    const blockBefore = brain.db.prepare("SELECT bits FROM bit_blocks").pluck().get() as Buffer;
    convertVectors(brain.db);
    const blockAfter = brain.db.prepare("SELECT bits FROM bit_blocks").pluck().get() as Buffer;
    // Bits taken from an int8 vector can differ from the float vector's only where a component
    // sits within int8's rounding of the mean: a handful of the 4096 x 256 bits.
    let differ = 0;
    for (let i = 0; i < blockBefore.length; i++)
      for (let x = blockBefore[i]! ^ blockAfter[i]!; x; x &= x - 1) differ++;
    expect(blockAfter.byteLength).toBe(blockBefore.byteLength);
    expect(differ).toBeLessThan(blockBefore.length * 8 * 0.001);
    const fresh = testBrain({}, { dbPath: brain.config.dbPath });
    expect(bitIndexFor(fresh.db, model).size).toBe(vectors.length);
  });
});
