import { describe, expect, it } from "vitest";
import { bitIndexFor } from "../src/core/embed/bit-index.ts";
import { HammingRows } from "../src/core/embed/hamming.ts";
import { encodeInt8, signBits, storedToVector } from "../src/core/embed/vector-math.ts";
import { ensureModel, exactScan, getModel, nearest, writeEntryVectors } from "../src/core/embed/vectors.ts";
import { testBrain } from "./support/tmp.ts";
import { randomVectors } from "./support/vectors.ts";

function hamming(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) for (let x = a[i]! ^ b[i]!; x; x &= x - 1) d++;
  return d;
}

describe("the bit index", () => {
  it("returns the nearest rows a brute-force two-stage Hamming ranking gives, and stays current as vectors arrive", () => {
    const brain = testBrain();
    const dims = 512;
    const vectors = randomVectors(6000, dims, 7);
    const write = (from: number, to: number) =>
      brain.db
        .transaction(() => {
          const model = ensureModel(brain.db, "m", dims, 0);
          for (let i = from; i < to; i++) {
            const { entry } = brain.entries.capture({ text: `entry ${i}` });
            writeEntryVectors(brain.db, model, entry.id, entry.hash, [
              { seq: 0, start: 0, end: 1, vector: vectors[i]! },
            ]);
          }
        })
        .immediate();
    const model = () => getModel(brain.db, "m")!;
    const query = signBits(vectors[42]!, null);
    // The index takes each chunk's bits from its stored (int8) vector.
    const storedBits = (v: Float32Array) => signBits(storedToVector(encodeInt8(v), dims), null);
    /**
     * The scan's definition: every row by its first 256 bits, the rows within the distance of the
     * 1,000th nearest (ties included) kept, those by all their bits. Ties at the final cut-off may
     * be broken either way; every row strictly closer must be found.
     */
    const check = (n: number) => {
      const rows = vectors.slice(0, n).map((v, i) => {
        const bits = storedBits(v);
        return {
          id: i + 1,
          first: hamming(bits.subarray(0, 32), query.subarray(0, 32)),
          d: hamming(bits, query),
        };
      });
      const firstCut = [...rows].sort((a, b) => a.first - b.first)[Math.min(n, 1000) - 1]!.first;
      const kept = rows.filter((r) => r.first <= firstCut).sort((a, b) => a.d - b.d);
      const cutoff = kept[49]!.d;
      const got = bitIndexFor(brain.db, model()).nearest(query, 50);
      expect(got).toHaveLength(50);
      expect(got[0]).toBe(43);
      for (const r of kept.filter((r) => r.d < cutoff)) expect(got).toContain(r.id);
      return kept.length;
    };
    // Below the first stage's 1,000 every row is compared by all its bits: an exact ranking.
    write(0, 900);
    expect(check(900)).toBe(900);
    write(900, 5000);
    expect(check(5000)).toBeLessThan(2000);
    write(5000, 6000);
    expect(bitIndexFor(brain.db, model()).size).toBe(6000);
    check(6000);
  });

  it("agrees with an exact float scan on the nearest entries", () => {
    const brain = testBrain();
    const vectors = randomVectors(300, 64, 3);
    brain.db
      .transaction(() => {
        const model = ensureModel(brain.db, "m", 64, 0);
        vectors.forEach((v, i) => {
          const { entry } = brain.entries.capture({ text: `entry ${i}` });
          writeEntryVectors(brain.db, model, entry.id, entry.hash, [{ seq: 0, start: 0, end: 1, vector: v }]);
        });
      })
      .immediate();
    const model = getModel(brain.db, "m")!;
    const q = vectors[10]!;
    expect(nearest(brain.db, model, q, 5, 300).map((h) => h.entryId)).toEqual(
      exactScan(brain.db, model, q, 5).map((h) => h.entryId),
    );
  });

  it("scans rows whose length is not a multiple of 64 bits, across appends that grow its memory", () => {
    // 100 dimensions, as the word vectors of the offline eval: 13 bytes a row, padded to two words.
    const rows = new HammingRows(100);
    const all = randomVectors(3000, 100, 5).map((v) => signBits(v, null));
    rows.append(all.slice(0, 1000));
    rows.append(all.slice(1000));
    expect(rows.size).toBe(3000);
    const query = all[1234]!;
    const got = rows.nearest(query, 20);
    const expected = all
      .map((bits, i) => ({ i, d: hamming(bits, query) }))
      .sort((a, b) => a.d - b.d || a.i - b.i)
      .slice(0, 20);
    // Same order and same rows: distance first, then row number.
    expect(got).toEqual(expected.map((e) => e.i));
    expect(new HammingRows(100).nearest(query, 5)).toEqual([]);
  });
});
