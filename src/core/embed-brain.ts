import type { BrainDeps, BrainParts } from "./brain-parts.ts";
import { embedEgress, queryEmbedder, type Destination, type EgressGate } from "./privacy/index.ts";
import type { BrainConfig, Embedder } from "./base/index.ts";
import type { EmbedEvent, EmbedReport, NeighbourWriter } from "./embed/index.ts";
import { linkDuplicates, replaceSemanticEdges } from "./graph/index.ts";

/** Vector lengths of common Ollama embedding models, so a wrong-length answer is refused at once. */
const KNOWN_DIMENSIONS: Record<string, number> = {
  "mxbai-embed-large": 1024,
  "nomic-embed-text": 768,
  "all-minilm": 384,
  "bge-m3": 1024,
  "snowflake-arctic-embed": 1024,
};

/** Query embeddings must come back fast or not at all: search falls back to keywords. */
const QUERY_TIMEOUT_MS = 5_000;

/** Whether Ollama may be on another machine (the person allowed its host), and the fetch to reach it. */
export interface OllamaReach {
  remoteAllowed: boolean;
  fetch?: typeof fetch;
}

export type EmbedOptions = {
  signal?: AbortSignal;
  onEvent?: (event: EmbedEvent) => void;
  batchSize?: number;
  /** Only this entry, if it is waiting (right after a capture). */
  entryId?: number;
  /** First remove the configured model's vectors, to embed every entry again (its vectors changed length). */
  reset?: boolean;
};

function dimensionsOf(model: string): number | undefined {
  return KNOWN_DIMENSIONS[model.replace(/:latest$/, "")];
}

/** Ollama's embedder for `model`; the Ollama client is loaded on the first embedding, so a capture never pays for it. */
function ollamaEmbedder(
  config: BrainConfig,
  model: string,
  reach: OllamaReach,
  timeoutMs?: number,
): Embedder {
  const dimensions = dimensionsOf(model);
  let loaded: Promise<Embedder> | undefined;
  const load = () =>
    (loaded ??= import("./adapters/ollama-embedder.ts").then(({ createOllamaEmbedder }) =>
      createOllamaEmbedder({ host: config.ollamaHost, model, dimensions, timeoutMs, ...reach }),
    ));
  return { model, dimensions, embed: async (texts, options) => (await load()).embed(texts, options) };
}

/**
 * The embedder search uses for a query: the caller's, or Ollama's through the privacy gate (a
 * query sent to Ollama on another machine is recorded in the ledger), with a short timeout.
 */
export function queryEmbedderFor(
  config: BrainConfig,
  deps: BrainDeps,
  egress: EgressGate,
  whereIsOllama: () => Destination,
): (model: string) => Embedder {
  if (deps.embedderFor) return deps.embedderFor;
  const reach = (remoteAllowed: boolean) => ({ remoteAllowed, fetch: deps.ollamaFetch });
  return (model) =>
    queryEmbedder(
      egress,
      whereIsOllama,
      (remote) => ollamaEmbedder(config, model, reach(remote), QUERY_TIMEOUT_MS),
      model,
      dimensionsOf(model),
    );
}

/** One pass of the background embedder with the configured model, then enrichment when it is on. */
export async function embedWith(
  parts: BrainParts,
  deps: BrainDeps,
  options: EmbedOptions,
): Promise<EmbedReport> {
  const { config, db, clock, entries, egress } = parts;
  const where = deps.embedderFor
    ? { class: "local" as const, road: "ollama", name: "test" }
    : parts.whereIsOllama();
  const [{ embedPass }, { enrichAfterEmbed }] = await Promise.all([
    import("./embed/embedder.ts"),
    import("./enrich/job.ts"),
  ]);
  const now = () => clock.now().getTime();
  const reach = { remoteAllowed: where.class === "remote", fetch: deps.ollamaFetch };
  return embedPass(db, config.dbPath, {
    embedder: deps.embedderFor?.(config.embedModel) ?? ollamaEmbedder(config, config.embedModel, reach),
    now,
    writeNeighbours: neighbourWriter(parts),
    egress: embedEgress(db, egress, where),
    afterPass: async (report) => {
      const enrichment = await enrichAfterEmbed(
        { db, entries, now, route: parts.structured, egress: parts.egress },
        options.signal,
      );
      if (enrichment) report.enrichment = enrichment;
    },
    ...options,
  });
}

/** The semantic edges and duplicate links an embedded entry gets from its nearest neighbours. */
function neighbourWriter({ db, clock }: BrainParts): NeighbourWriter {
  return (id, near) => {
    replaceSemanticEdges(db, id, near, clock.now().getTime());
    linkDuplicates(db, id, near, clock.now().getTime());
  };
}
