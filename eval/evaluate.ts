import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { withCoverage, relevanceOf, ASK_RELEVANCE_FLOOR } from "../src/core/ask/retrieval.ts";
import { createBrain, type Brain, type BrainDeps } from "../src/core/brain.ts";
import { createOllamaEmbedder } from "../src/core/adapters/ollama-embedder.ts";
import { resolveConfig } from "../src/core/base/config.ts";
import type { Embedder } from "../src/core/base/ports.ts";
import { rankedRefs, toImportJsonl, type Collection } from "./collection.ts";
import { evaluateRanking, meanMetrics } from "./metrics.ts";
import { indexPlainBm25, searchPlainBm25 } from "./plain-bm25.ts";
import { vectorRecall } from "./vector-recall.ts";
import {
  proposeAbstentionFloor,
  type AbstentionFloor,
  type QueryDetail,
  type ReportRow,
  type SearchMode,
} from "./report.ts";
import {
  createWinkEmbedder,
  fitCommonComponent,
  loadWinkVectors,
  WINK_MODEL,
  type WinkVectors,
} from "./wink-embedder.ts";

export const EVAL_MODES: SearchMode[] = ["plain BM25", "keyword", "semantic", "hybrid", "hybrid+graph"];

export interface CollectionResult {
  rows: ReportRow[];
  details: QueryDetail[];
  /** Proposed from the answerable and the no-answer questions, when the collection has both. */
  floor: AbstentionFloor | null;
  accuracyAtCurrentFloor: number;
  /** What ASK_RELEVANCE_FLOOR decides on the answerable and the no-answer questions. */
  atCurrentFloor: { answerableKept: number; unanswerableRefused: number };
  /** recall@10 of meaning search's compact vectors against exact float32 (vector-recall.ts). */
  vectorRecall: number | null;
}

/** The word vectors, loaded once and shared by every embedder of a run. */
export function loadEvalVectors(): Promise<WinkVectors> {
  return loadWinkVectors();
}

/**
 * Which embedder gives the semantic list: the wink word vectors (offline, the default), or the
 * configured Ollama model (`OLLAMA_HOST`, `BRAIN_EMBED_MODEL`: on a Mac, mxbai-embed-large), which
 * is what re-measures the abstention floor for the model people actually use.
 */
export type EvalEmbedder = { kind: "wink"; vectors: Promise<WinkVectors> } | { kind: "ollama" };

/** How the embedder is named in the report. */
export function embedderName(embedder: EvalEmbedder, env: NodeJS.ProcessEnv = process.env): string {
  if (embedder.kind === "wink") return WINK_MODEL;
  const config = resolveConfig({ offsiteDir: null }, env);
  return `${config.embedModel} (Ollama at ${config.ollamaHost})`;
}

/**
 * Imports a collection into a fresh database through `brain import`, embeds it through
 * `brain embed`, and runs every question through each mode.
 */
export function evaluateCollection(
  collection: Collection,
  options: { embedder: EvalEmbedder; modes?: SearchMode[] },
): Promise<CollectionResult> {
  return withCollectionBrain(collection, options.embedder, async (brain, embedder) => ({
    ...(await runQueries(brain, collection, options.modes ?? EVAL_MODES)),
    vectorRecall: await vectorRecall(brain, embedder, collection),
  }));
}

/**
 * A brain holding `collection`, imported and embedded as {@link evaluateCollection} does, for
 * `use`. The wink embedder's common component is fitted on the collection's documents first.
 */
export async function withCollectionBrain<T>(
  collection: Collection,
  choice: EvalEmbedder,
  use: (brain: EvalBrain, embedder: Embedder) => Promise<T>,
  models: Pick<BrainDeps, "chat" | "toolChat"> = {},
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `brain-eval-${collection.name}-`));
  try {
    const jsonl = path.join(dir, `${collection.name}.jsonl`);
    fs.writeFileSync(jsonl, toImportJsonl(collection));
    const dbPath = path.join(dir, "brain.db");
    const clock = new EvalClock(collection.today);
    let brain: Brain;
    let embedder: Embedder;
    if (choice.kind === "wink") {
      const plain = createWinkEmbedder({ vectors: choice.vectors });
      const component = fitCommonComponent(await plain.embed(collection.docs.map((d) => d.text)));
      const wink = createWinkEmbedder({ vectors: choice.vectors, commonComponent: component });
      const config = resolveConfig({ dbPath, offsiteDir: null, embedModel: WINK_MODEL }, {});
      brain = createBrain(config, { embedderFor: () => wink, clock, ...models });
      embedder = wink;
    } else {
      const config = resolveConfig({ dbPath, offsiteDir: null });
      brain = createBrain(config, { clock, ...models });
      embedder = createOllamaEmbedder({ host: config.ollamaHost, model: config.embedModel });
    }
    try {
      const imported = await brain.import([jsonl]);
      if (imported.failed.length > 0) throw new Error(`import failed: ${JSON.stringify(imported.failed[0])}`);
      const embedded = await brain.embed({ batchSize: 256 });
      if (embedded.pending > 0) {
        throw new Error(
          `embedding stopped with ${embedded.pending} entries left: ${embedded.errors[0]?.message ?? "unknown error"}`,
        );
      }
      indexPlainBm25(brain.db);
      return await use(Object.assign(brain, { evalClock: clock }), embedder);
    } finally {
      brain.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The clock the evaluation's brain reads: a question's own `today` (noon, local time), else the
 * collection's, else the real time.
 */
export class EvalClock {
  private day: string | undefined;
  private readonly fallback: string | undefined;
  constructor(fallback?: string) {
    this.fallback = fallback;
  }
  /** Sets the day the next question is asked (undefined: the collection's day). */
  askOn(day: string | undefined): void {
    this.day = day;
  }
  now(): Date {
    const day = this.day ?? this.fallback;
    return day ? new Date(`${day}T12:00:00`) : new Date();
  }
}

/** A brain built by {@link withCollectionBrain}, with the clock questions are asked on. */
export type EvalBrain = Brain & { evalClock: EvalClock };

async function runQueries(
  brain: EvalBrain,
  collection: Collection,
  modes: SearchMode[],
): Promise<Omit<CollectionResult, "vectorRecall">> {
  const details: QueryDetail[] = [];
  const answerable: number[] = [];
  const unanswerable: number[] = [];
  for (const query of collection.queries) {
    brain.evalClock.askOn(query.today);
    for (const mode of modes) {
      const response =
        mode === "plain BM25"
          ? null
          : await brain.search(query.text, {
              mode: mode === "hybrid+graph" ? "hybrid" : mode,
              graph: mode === "hybrid+graph",
              limit: 10,
            });
      const ranked = rankedRefs(
        collection.name,
        response ? response.results.map((r) => r.source) : searchPlainBm25(brain.db, query.text, 10),
      );
      details.push({
        collection: collection.name,
        mode,
        queryId: query.id,
        text: query.text,
        type: query.type,
        ranked,
        relevant: Object.fromEntries(query.relevant),
        metrics: evaluateRanking(ranked, query.relevant),
        topScore: response?.results[0]?.score ?? null,
      });
      if (response && mode === "hybrid") {
        // The same relevance ask uses to decide whether to answer at all.
        const relevance = relevanceOf(withCoverage(brain.db, query.text, response.results));
        (query.relevant.size > 0 ? answerable : unanswerable).push(relevance);
      }
    }
  }
  const rows = modes.map((mode) => ({
    collection: collection.name,
    mode,
    metrics: meanMetrics(details.filter((d) => d.mode === mode).map((d) => d.metrics)),
  }));
  const floor = unanswerable.length > 0 ? proposeAbstentionFloor(answerable, unanswerable) : null;
  const atCurrentFloor = {
    answerableKept: answerable.filter((r) => r >= ASK_RELEVANCE_FLOOR).length,
    unanswerableRefused: unanswerable.filter((r) => r < ASK_RELEVANCE_FLOOR).length,
  };
  const right = atCurrentFloor.answerableKept + atCurrentFloor.unanswerableRefused;
  return {
    rows,
    details,
    floor,
    accuracyAtCurrentFloor: right / Math.max(1, answerable.length + unanswerable.length),
    atCurrentFloor,
  };
}
