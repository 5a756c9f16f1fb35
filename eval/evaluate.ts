import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { withCoverage, relevanceOf, ASK_RELEVANCE_FLOOR } from "../src/core/ask-retrieval.ts";
import { createBrain, type Brain } from "../src/core/brain.ts";
import { resolveConfig } from "../src/core/config.ts";
import { rankedRefs, toImportJsonl, type Collection } from "./collection.ts";
import { evaluateRanking, meanMetrics } from "./metrics.ts";
import { indexPlainBm25, searchPlainBm25 } from "./plain-bm25.ts";
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
}

/** The word vectors, loaded once and shared by every embedder of a run. */
export function loadEvalVectors(): Promise<WinkVectors> {
  return loadWinkVectors();
}

/**
 * Imports a collection into a fresh database through `brain import`, embeds it through
 * `brain embed` with the wink embedder (its common component fitted on the documents first), and
 * runs every question through each mode.
 */
export function evaluateCollection(
  collection: Collection,
  options: { vectors: Promise<WinkVectors>; modes?: SearchMode[] },
): Promise<CollectionResult> {
  return withCollectionBrain(collection, options.vectors, (brain) =>
    runQueries(brain, collection, options.modes ?? EVAL_MODES),
  );
}

/** A brain holding `collection`, imported and embedded as {@link evaluateCollection} does, for `use`. */
export async function withCollectionBrain<T>(
  collection: Collection,
  vectors: Promise<WinkVectors>,
  use: (brain: Brain) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `brain-eval-${collection.name}-`));
  try {
    const jsonl = path.join(dir, `${collection.name}.jsonl`);
    fs.writeFileSync(jsonl, toImportJsonl(collection));
    const plain = createWinkEmbedder({ vectors });
    const component = fitCommonComponent(await plain.embed(collection.docs.map((d) => d.text)));
    const embedder = createWinkEmbedder({ vectors, commonComponent: component });
    const config = resolveConfig(
      { dbPath: path.join(dir, "brain.db"), offsiteDir: null, embedModel: WINK_MODEL },
      {},
    );
    const brain = createBrain(config, { embedderFor: () => embedder });
    try {
      const imported = await brain.import([jsonl]);
      if (imported.failed.length > 0) throw new Error(`import failed: ${JSON.stringify(imported.failed[0])}`);
      await brain.embed({ batchSize: 256 });
      indexPlainBm25(brain.db);
      return await use(brain);
    } finally {
      brain.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function runQueries(
  brain: Brain,
  collection: Collection,
  modes: SearchMode[],
): Promise<CollectionResult> {
  const details: QueryDetail[] = [];
  const answerable: number[] = [];
  const unanswerable: number[] = [];
  for (const query of collection.queries) {
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
  const right =
    answerable.filter((r) => r >= ASK_RELEVANCE_FLOOR).length +
    unanswerable.filter((r) => r < ASK_RELEVANCE_FLOOR).length;
  return {
    rows,
    details,
    floor,
    accuracyAtCurrentFloor: right / Math.max(1, answerable.length + unanswerable.length),
  };
}
