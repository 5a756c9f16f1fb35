// How closely meaning search's compact vectors (int8 rescoring after a sign-bit scan) follow an
// exact float32 search, on a collection's own documents and questions: recall@10 of the entries
// `nearest` returns against the 10 an exact float32 cosine over every chunk ranks first.
import type { Brain } from "../src/core/brain.ts";
import { chunkText } from "../src/core/embed/chunking.ts";
import type { Embedder } from "../src/core/base/ports.ts";
import { normalize } from "../src/core/embed/vector-math.ts";
import { searchModel } from "../src/core/embed/vector-models.ts";
import { nearest } from "../src/core/embed/vectors.ts";
import type { Collection } from "./collection.ts";

/** recall@10 against exact float32 over the questions of the collection (null without vectors). */
export async function vectorRecall(
  brain: Brain,
  embedder: Embedder,
  collection: Collection,
): Promise<number | null> {
  const model = searchModel(brain.db, embedder.model);
  if (!model) return null;
  const entries = brain.db.prepare("SELECT id, text FROM entries ORDER BY id").all() as {
    id: number;
    text: string;
  }[];
  const chunks = entries.flatMap((e) => chunkText(e.text).map((c) => ({ id: e.id, text: c.text })));
  const vectors: Float32Array[] = [];
  for (let i = 0; i < chunks.length; i += 256) {
    const batch = await embedder.embed(chunks.slice(i, i + 256).map((c) => c.text));
    vectors.push(...batch.map((v) => normalize(Float32Array.from(v))));
  }
  let found = 0;
  let wanted = 0;
  for (const question of collection.queries) {
    const [raw] = await embedder.embed([question.text]);
    const query = normalize(Float32Array.from(raw ?? []));
    const best = new Map<number, number>();
    vectors.forEach((v, i) => {
      let s = 0;
      for (let d = 0; d < v.length; d++) s += v[d]! * query[d]!;
      const id = chunks[i]!.id;
      if (!(best.get(id)! >= s)) best.set(id, s);
    });
    const exact = new Set(
      [...best]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([id]) => id),
    );
    found += nearest(brain.db, model, query, 10).filter((h) => exact.has(h.entryId)).length;
    wanted += exact.size;
  }
  return wanted > 0 ? found / wanted : null;
}
