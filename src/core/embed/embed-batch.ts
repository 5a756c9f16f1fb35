import { chunkText } from "./chunking.ts";
import type { Db } from "../db/index.ts";
import { BrainError, toBrainError, type Embedder } from "../base/index.ts";
import { textBytes, type EmbedEgress } from "../privacy/index.ts";
import { isUsableVector, normalize } from "./vector-math.ts";
import { nearest, type ChunkVector, type EmbeddingModel } from "./vectors.ts";

/** One batch of the embedding pass: chunking, the model calls, per-entry isolation of bad input, neighbours. */

/**
 * Texts per call to the embedder: the Ollama embedder's own request size (its default
 * `batchSize`), so that each call is one request, and has its own ledger row when it leaves the
 * machine. A larger call would be split by the adapter into requests the ledger cannot see.
 */
export const REQUEST_TEXTS = 32;

/** How a batch is sent: the pass's signal, and the privacy gate when the embedder is on another machine. */
export interface BatchSending {
  signal?: AbortSignal;
  egress?: EmbedEgress;
}

/** An entry's chunks with their vectors, ready to write. */
export interface Prepared {
  id: number;
  hash: string;
  chunks: ChunkVector[];
}

/**
 * Embeds a batch; when the model rejects it as a whole, tries each entry alone to isolate the bad
 * ones (each a request of its own, recorded as such). If every entry fails alone too, the model is
 * at fault, not the entries: the error stops the pass.
 */
export async function embedBatch(
  embedder: Embedder,
  batch: { id: number; text: string; hash: string }[],
  sending: BatchSending,
  onFailed: (id: number, err: BrainError) => void,
): Promise<Prepared[]> {
  try {
    return await embedEntries(embedder, batch, sending);
  } catch (err) {
    if (!isPerEntryFault(err)) throw err;
  }
  const prepared: Prepared[] = [];
  const failures: [number, BrainError][] = [];
  for (const entry of batch) {
    try {
      prepared.push(...(await embedEntries(embedder, [entry], sending)));
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

/** A chunk's text to embed, with the entry it comes from. */
interface ChunkText {
  id: number;
  text: string;
}

/** The entries' chunks, embedded in calls of at most {@link REQUEST_TEXTS} texts. */
async function embedEntries(
  embedder: Embedder,
  batch: { id: number; text: string; hash: string }[],
  sending: BatchSending,
): Promise<Prepared[]> {
  const chunked = batch.map((entry) => ({ entry, chunks: chunkText(entry.text) }));
  const texts = chunked.flatMap(({ entry, chunks }) => chunks.map((c) => ({ id: entry.id, text: c.text })));
  const vectors: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += REQUEST_TEXTS) {
    vectors.push(...(await embedRequest(embedder, texts.slice(start, start + REQUEST_TEXTS), sending)));
  }
  let next = 0;
  return chunked.map(({ entry, chunks }) => ({
    id: entry.id,
    hash: entry.hash,
    chunks: chunks.map((chunk) => ({
      seq: chunk.seq,
      start: chunk.start,
      end: chunk.end,
      vector: vectors[next++]!,
    })),
  }));
}

/**
 * One request: the texts' vectors, normalised and checked. Towards another machine its row is
 * written first, and settled `failed` when the vectors are unusable too.
 */
function embedRequest(
  embedder: Embedder,
  texts: ChunkText[],
  { signal, egress }: BatchSending,
): Promise<Float32Array[]> {
  const strings = texts.map((t) => t.text);
  const request = async () => usableVectors(texts, await embedder.embed(strings, { signal }));
  if (!egress) return request();
  const ids = [...new Set(texts.map((t) => t.id))];
  return egress.record(ids, textBytes(strings), request);
}

function usableVectors(texts: ChunkText[], vectors: Float32Array[]): Float32Array[] {
  if (vectors.length !== texts.length) {
    throw new BrainError(
      "embedding_invalid",
      `The model returned ${vectors.length} vectors for ${texts.length} texts.`,
    );
  }
  return vectors.map((raw, i) => {
    const vector = normalize(Float32Array.from(raw));
    if (!isUsableVector(vector)) {
      throw new BrainError(
        "embedding_invalid",
        `The model returned an unusable vector for entry ${texts[i]!.id}.`,
      );
    }
    return vector;
  });
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
