import { chunkText } from "./chunking.ts";
import type { Db } from "../db/index.ts";
import { BrainError, toBrainError, type Embedder } from "../base/index.ts";
import { isUsableVector, normalize } from "./vector-math.ts";
import { nearest, type ChunkVector, type EmbeddingModel } from "./vectors.ts";

/** One batch of the embedding pass: chunking, the model call, per-entry isolation of bad input, neighbours. */

/** An entry's chunks with their vectors, ready to write. */
export interface Prepared {
  id: number;
  hash: string;
  chunks: ChunkVector[];
}

/**
 * Embeds a batch; when the model rejects it as a whole, tries each entry alone to isolate the bad
 * ones. If every entry fails alone too, the model is at fault, not the entries: the error stops the pass.
 */
export async function embedBatch(
  embedder: Embedder,
  batch: { id: number; text: string; hash: string }[],
  signal: AbortSignal | undefined,
  onFailed: (id: number, err: BrainError) => void,
): Promise<Prepared[]> {
  try {
    return await embedEntries(embedder, batch, signal);
  } catch (err) {
    if (!isPerEntryFault(err)) throw err;
  }
  const prepared: Prepared[] = [];
  const failures: [number, BrainError][] = [];
  for (const entry of batch) {
    try {
      prepared.push(...(await embedEntries(embedder, [entry], signal)));
    } catch (err) {
      if (!isPerEntryFault(err)) throw err;
      failures.push([entry.id, toBrainError(err)]);
    }
  }
  if (prepared.length === 0 && failures.length > 1) throw failures[0]![1];
  for (const [id, err] of failures) onFailed(id, err);
  return prepared;
}

function isPerEntryFault(err: unknown): boolean {
  return (
    err instanceof BrainError && (err.code === "embedding_invalid" || err.code === "ollama_bad_response")
  );
}

async function embedEntries(
  embedder: Embedder,
  batch: { id: number; text: string; hash: string }[],
  signal: AbortSignal | undefined,
): Promise<Prepared[]> {
  const chunked = batch.map((entry) => ({ entry, chunks: chunkText(entry.text) }));
  const texts = chunked.flatMap(({ chunks }) => chunks.map((c) => c.text));
  const vectors = await embedder.embed(texts, { signal });
  if (vectors.length !== texts.length) {
    throw new BrainError(
      "embedding_invalid",
      `The model returned ${vectors.length} vectors for ${texts.length} texts.`,
    );
  }
  let next = 0;
  return chunked.map(({ entry, chunks }) => ({
    id: entry.id,
    hash: entry.hash,
    chunks: chunks.map((chunk) => {
      const vector = normalize(Float32Array.from(vectors[next++]!));
      if (!isUsableVector(vector)) {
        throw new BrainError(
          "embedding_invalid",
          `The model returned an unusable vector for entry ${entry.id}.`,
        );
      }
      return { seq: chunk.seq, start: chunk.start, end: chunk.end, vector };
    }),
  }));
}

/** The nearest other embedded entries of each newly embedded entry. */
export function findNeighbours(
  db: Db,
  model: EmbeddingModel,
  prepared: Prepared[],
): Map<number, { id: number; similarity: number }[]> {
  const result = new Map<number, { id: number; similarity: number }[]>();
  if (model.dimensions !== prepared[0]?.chunks[0]?.vector.length) return result;
  for (const item of prepared) {
    const hits = nearest(db, model, item.chunks[0]!.vector, 8).filter((h) => h.entryId !== item.id);
    result.set(
      item.id,
      hits.map((h) => ({ id: h.entryId, similarity: h.similarity })),
    );
  }
  return result;
}
