import type { Brain } from "../../src/core/brain.ts";
import { normalize, signBits } from "../../src/core/embed/vector-math.ts";
import { ensureModel, getModel, writeEntryVectors } from "../../src/core/embed/vectors.ts";
import { testBrain } from "./tmp.ts";

/** `count` unit vectors of `dims` components, the same for the same seed (a linear congruential sequence). */
export function randomVectors(count: number, dims: number, seed: number): Float32Array[] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return Array.from({ length: count }, () => normalize(Float32Array.from({ length: dims }, next)));
}

/**
 * A test brain with one entry per vector ("entry i"), its one chunk written the current way under
 * model "m"; given `residualsFrom`, the model's chunks keep residuals once it holds that many.
 */
export function brainWithVectors(vectors: Float32Array[], residualsFrom?: number): Brain {
  const brain = testBrain();
  const dims = vectors[0]!.length;
  brain.db
    .transaction(() => {
      ensureModel(brain.db, "m", dims, 0);
      if (residualsFrom !== undefined)
        brain.db
          .prepare("UPDATE embedding_models SET residuals_from = ? WHERE name = 'm'")
          .run(residualsFrom);
      const model = getModel(brain.db, "m")!;
      const captured = brain.entries.captureMany(vectors.map((_, i) => ({ text: `entry ${i}` })));
      captured.forEach(({ entry }, i) =>
        writeEntryVectors(brain.db, model, entry.id, entry.hash, [
          { seq: 0, start: 0, end: 1, vector: vectors[i]! },
        ]),
      );
    })
    .immediate();
  return brain;
}

/**
 * Rewrites every chunk row the way versions before migration 014 stored it: the whole vector in
 * the row as `encode` writes it, its sign bits around `mean` and the text's whole hash; no heads,
 * and no record that the rows are compact.
 */
export function toOldChunkRows(
  brain: Brain,
  vectors: Float32Array[],
  encode: (vector: Float32Array) => Uint8Array,
  mean: Float32Array | null,
): void {
  const rows = brain.db
    .prepare("SELECT c.id, c.entry_id, e.hash FROM chunks c JOIN entries e ON e.id = c.entry_id")
    .all() as { id: number; entry_id: number; hash: string }[];
  const update = brain.db.prepare("UPDATE chunks SET vector = ?, bits = ?, hash = ? WHERE id = ?");
  brain.db
    .transaction(() => {
      for (const row of rows) {
        const vector = vectors[row.entry_id - 1]!;
        update.run(encode(vector), Buffer.from(signBits(vector, mean)), row.hash, row.id);
      }
      brain.db.prepare("DELETE FROM chunk_heads").run();
      brain.db.prepare("DELETE FROM meta WHERE name = 'vectors_compact'").run();
    })
    .immediate();
}
