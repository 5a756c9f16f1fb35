import { BrainError, type Embedder } from "../base/index.ts";
import { cancelled, openOllamaCall, toOllamaError, type OllamaConnectionOptions } from "./ollama.ts";

export interface OllamaEmbedderOptions extends OllamaConnectionOptions {
  /** The embedding model, e.g. `mxbai-embed-large`. */
  model: string;
  /** The vector length the model must produce; when omitted, all vectors must match the first. */
  dimensions?: number;
  /** Texts per /api/embed request (default 32). */
  batchSize?: number;
}

/**
 * An Embedder backed by Ollama's /api/embed: one request per batch, vectors in input order, each
 * checked (length, finite numbers, not all zero) so a bad vector is never returned.
 *
 * @example
 * const embedder = createOllamaEmbedder({ host: config.ollamaHost, model: "mxbai-embed-large", dimensions: 1024 });
 * const [vector] = await embedder.embed(["persistent memory in AI systems"]);
 */
export function createOllamaEmbedder(options: OllamaEmbedderOptions): Embedder {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 32));
  let learned = options.dimensions;
  return {
    model: options.model,
    get dimensions() {
      return learned;
    },
    async embed(texts, { signal } = {}) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        if (signal?.aborted) throw cancelled(signal.reason);
        const batch = texts.slice(start, start + batchSize);
        const raw = await embedBatch(options, batch, signal);
        const checked = checkVectors(raw, batch.length, learned, options.model);
        learned ??= checked[0]?.length;
        vectors.push(...checked);
      }
      return vectors;
    },
  };
}

async function embedBatch(
  options: OllamaEmbedderOptions,
  input: string[],
  signal?: AbortSignal,
): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const call = openOllamaCall({ ...options, timeoutMs }, signal);
  try {
    const response = await call.client.embed({ model: options.model, input, truncate: true });
    return (response as { embeddings?: unknown }).embeddings;
  } catch (err) {
    const context = { host: options.host, model: options.model, endpoint: "/api/embed", timeoutMs, signal };
    throw toOllamaError(err, { ...context, timedOut: call.timedOut });
  } finally {
    call.done();
  }
}

/**
 * Checks a batch of vectors as Ollama sent them and converts them to Float32Array.
 *
 * @example
 * checkVectors([[0.1, 0.2]], 1, 2, "mxbai-embed-large"); // [Float32Array [0.1, 0.2]]
 */
export function checkVectors(
  raw: unknown,
  count: number,
  dimensions: number | undefined,
  model: string,
): Float32Array[] {
  if (!Array.isArray(raw) || raw.length !== count) {
    const got = Array.isArray(raw) ? `${raw.length} vectors` : "no vectors";
    throw invalid(`Ollama returned ${got} for ${count} texts from ${model}.`);
  }
  const expected = dimensions ?? (Array.isArray(raw[0]) ? raw[0].length : 0);
  return raw.map((vector: unknown, i) => {
    if (!Array.isArray(vector) || vector.length === 0)
      throw invalid(`Ollama returned an empty vector for text ${i + 1}.`);
    if (vector.length !== expected) {
      throw invalid(
        `Ollama returned ${vector.length} numbers for text ${i + 1}; ${model} should give ${expected}.`,
      );
    }
    if (!vector.every((x) => typeof x === "number"))
      throw invalid(`Ollama returned a non-number in text ${i + 1}'s vector.`);
    const floats = Float32Array.from(vector as number[]);
    if (!floats.every(Number.isFinite))
      throw invalid(`Ollama returned NaN or infinity in text ${i + 1}'s vector.`);
    if (floats.every((x) => x === 0)) throw invalid(`Ollama returned an all-zero vector for text ${i + 1}.`);
    return floats;
  });
}

function invalid(message: string): BrainError {
  return new BrainError("embedding_invalid", message, {
    hint: "Check that the model is an embedding model whose size matches the configured dimensions, then restart Ollama and try again.",
  });
}
