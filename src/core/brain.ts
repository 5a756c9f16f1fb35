import type { AskAnswer, AskOptions } from "./ask/index.ts";
import type { Digest, StructuredRoute, StructuredModel } from "./enrich/index.ts";
import {
  createEgressGate,
  type Destination,
  type EgressGate,
  embedEgress,
  queryEmbedder,
  ollamaDestination,
  type CloudConsent,
} from "./privacy/index.ts";
import {
  BrainError,
  systemClock,
  type ChatModel,
  type Clock,
  type Embedder,
  type BrainConfig,
} from "./base/index.ts";
import { openDatabase, vectorExtension, type Db, type VectorExtension } from "./db/index.ts";
import {
  countAllChunks,
  modelStatus,
  type ModelStatus,
  type EmbedEvent,
  type EmbedReport,
  type NeighbourWriter,
} from "./embed/index.ts";
import {
  createConversationHook,
  linkDuplicates,
  createGraphHook,
  replaceSemanticEdges,
} from "./graph/index.ts";
import {
  createEntryStore,
  type EntryHook,
  type EntryStore,
  storeStatus,
  type StoreStatus,
} from "./store/index.ts";
import { graphBrain, type GraphBrain } from "./graph-brain.ts";
import { QueryVectorCache, type SearchOptions, type SearchResponse } from "./search/index.ts";

/** What the outside world lends the core. Every field has a default except in tests. */
export interface BrainDeps {
  clock?: Clock;
  /** The embedder for a model name; Ollama at `config.ollamaHost` by default. */
  embedderFor?: (model: string) => Embedder;
  /** The local chat model for `ask`; Ollama's `config.chatModel` by default. */
  chat?: ChatModel;
  /**
   * The consented cloud model for `ask`. Each runtime lends its own key source (the CLI the OS
   * secret store, Raycast a password preference), so the core never reaches a secret store itself:
   * without one, a cloud route fails with the fix.
   */
  cloudChat?: (consent: CloudConsent) => Promise<ChatModel>;
  /** The fetch the Ollama adapters use (tests reach a fake server under a remote host's name). */
  ollamaFetch?: typeof fetch;
  /** `false` turns the egress ledger off: only for the benchmark's with/without comparison. */
  egressLedger?: boolean;
  /** The model for structured tasks; by default Apple FM through its helper, else Ollama (structured-route.ts). */
  structured?: StructuredModel;
}

export interface BrainStatus extends StoreStatus {
  embedding: { configured_model: string; pending: number; models: ModelStatus[] };
  /** Whether sqlite-vec loaded; without it meaning search uses a slower built-in cosine. */
  sqlite_vec: VectorExtension;
}

export interface Brain extends GraphBrain {
  readonly config: BrainConfig;
  readonly db: Db;
  readonly clock: Clock;
  readonly entries: EntryStore;
  /** The privacy gate: every egress of memory text towards something not on this machine. */
  readonly egress: EgressGate;
  /**
   * Where Ollama is: `local`, or `remote` when the person allowed that host. Throws
   * `remote_host_not_allowed` for a host that is not this machine and not allowed.
   */
  ollamaDestination(): Destination;
  search(query: string, options?: SearchOptions): Promise<SearchResponse>;
  /** A question answered from the memories (see ask.ts). */
  ask(question: string, options?: AskOptions): Promise<AskAnswer>;
  /** The model structured tasks (enrichment, digest) use, and why. */
  structured(): Promise<StructuredRoute>;
  /** A summary of what was captured since `since` (default `7d`), see digest.ts. */
  digest(options?: { since?: string; signal?: AbortSignal }): Promise<Digest>;
  /** One pass of the background embedder with the configured model, then enrichment when it is on. */
  embed(options?: {
    signal?: AbortSignal;
    onEvent?: (event: EmbedEvent) => void;
    batchSize?: number;
    /** Only this entry, if it is waiting (right after a capture). */
    entryId?: number;
  }): Promise<EmbedReport>;
  status(): BrainStatus;
  close(): void;
}

/** Vector lengths of common Ollama embedding models, so a wrong-length answer is refused at once. */
const KNOWN_DIMENSIONS: Record<string, number> = {
  "mxbai-embed-large": 1024,
  "nomic-embed-text": 768,
  "all-minilm": 384,
  "bge-m3": 1024,
  "snowflake-arctic-embed": 1024,
};

interface OllamaReach {
  remoteAllowed: boolean;
  fetch?: typeof fetch;
}

function ollamaEmbedder(
  config: BrainConfig,
  model: string,
  reach: OllamaReach,
  timeoutMs?: number,
): Embedder {
  const dimensions = KNOWN_DIMENSIONS[model.replace(/:latest$/, "")];
  // The Ollama client is loaded on the first embedding, so a capture never pays for it.
  let loaded: Promise<Embedder> | undefined;
  const load = () =>
    (loaded ??= import("./adapters/ollama-embedder.ts").then(({ createOllamaEmbedder }) =>
      createOllamaEmbedder({ host: config.ollamaHost, model, dimensions, timeoutMs, ...reach }),
    ));
  return { model, dimensions, embed: async (texts, options) => (await load()).embed(texts, options) };
}

/** Query embeddings must come back fast or not at all: search falls back to keywords. */
const QUERY_TIMEOUT_MS = 5_000;

/**
 * The composition root's one call: opens the database and wires the core's parts. Commands, the
 * CLI, the MCP server and the jobs each build one Brain and only talk to it.
 *
 * @example
 * const brain = createBrain(resolveConfig({ dbPath: "/tmp/brain.db" }));
 * brain.entries.capture({ text: "hello" });
 * brain.close();
 */
/** A structured model the caller lends (tests, an embedding app) runs in this process. */
const GIVEN_MODEL: Destination = { class: "local", road: "structured", name: "given by the caller" };

export function createBrain(config: BrainConfig, deps: BrainDeps = {}): Brain {
  const db = openDatabase(config.dbPath, {
    nativeBinding: config.native?.betterSqlite3,
    sqliteVecPath: config.native?.sqliteVec,
  });
  const clock = deps.clock ?? systemClock;
  const egress = createEgressGate(db, clock, { ledger: deps.egressLedger });
  const whereIsOllama = () => ollamaDestination(db, config.ollamaHost);
  const reach = (remoteAllowed: boolean): OllamaReach => ({ remoteAllowed, fetch: deps.ollamaFetch });
  const hooks: EntryHook[] = [createGraphHook(db, clock), createConversationHook(db, clock)];
  const entries = createEntryStore(db, clock, hooks);
  const embedderFor =
    deps.embedderFor ??
    ((model: string) =>
      queryEmbedder(
        egress,
        whereIsOllama,
        (remote) => ollamaEmbedder(config, model, reach(remote), QUERY_TIMEOUT_MS),
        model,
        KNOWN_DIMENSIONS[model.replace(/:latest$/, "")],
      ));
  const semanticDeps = {
    db,
    clock,
    configuredModel: config.embedModel,
    embedderFor,
    cache: new QueryVectorCache(),
  };
  const writeNeighbours: NeighbourWriter = (id, near) => {
    replaceSemanticEdges(db, id, near, clock.now().getTime());
    linkDuplicates(db, id, near, clock.now().getTime());
  };
  const structured = async (): Promise<StructuredRoute> =>
    deps.structured
      ? { model: deps.structured, reason: "given by the caller", destination: () => GIVEN_MODEL }
      : (await import("./structured-route.ts")).chooseStructuredModel(config, {
          ollamaDestination: whereIsOllama,
          ollamaFetch: deps.ollamaFetch,
        });
  return {
    config,
    db,
    clock,
    entries,
    egress,
    ollamaDestination: whereIsOllama,
    ...graphBrain(db, entries, clock),
    search: async (query, options) => {
      // Meaning search sends the query to Ollama: a host without consent is refused first.
      if (options?.mode !== "keyword" && !deps.embedderFor) whereIsOllama();
      return (await import("./search/search.ts")).search(semanticDeps, query, options);
    },
    ask: async (question, options) => {
      // Loaded on first use: a capture does not pay for the ask path.
      const [{ askQuestion }, models, { search }, { graphNeighbours }] = await Promise.all([
        import("./ask/ask.ts"),
        import("./ask/models.ts"),
        import("./search/search.ts"),
        import("./search/graph-expand.ts"),
      ]);
      const localDestination = whereIsOllama();
      const askDeps = {
        db,
        clock,
        gate: egress,
        localDestination,
        search: (query: string, filters: SearchOptions) => search(semanticDeps, query, filters),
        expand: (found: { id: number }[], limit: number) =>
          graphNeighbours(db, found, { limit }).map((n) => ({ ...n, coverage: 0, via: n.graph.from })),
        localChat: deps.chat ?? models.defaultLocalChat(config, reach(localDestination.class === "remote")),
        cloudChat: deps.cloudChat ?? noCloudKey,
      };
      return askQuestion(askDeps, question, options);
    },
    structured,
    digest: async (options) =>
      (await import("./enrich/digest.ts")).makeDigest(
        { entries, route: await structured(), egress, now: () => clock.now().getTime() },
        options,
      ),
    embed: async (options = {}) => {
      const where = deps.embedderFor
        ? { class: "local" as const, road: "ollama", name: "test" }
        : whereIsOllama();
      const [{ embedPass }, { enrichAfterEmbed }] = await Promise.all([
        import("./embed/embedder.ts"),
        import("./enrich/job.ts"),
      ]);
      const now = () => clock.now().getTime();
      return embedPass(db, config.dbPath, {
        embedder:
          deps.embedderFor?.(config.embedModel) ??
          ollamaEmbedder(config, config.embedModel, reach(where.class === "remote")),
        now,
        writeNeighbours,
        egress: embedEgress(db, egress, where),
        afterPass: async (report) => {
          const enrichment = await enrichAfterEmbed(
            { db, entries, now, route: structured, egress },
            options.signal,
          );
          if (enrichment) report.enrichment = enrichment;
        },
        ...options,
      });
    },
    status: () => ({
      ...storeStatus(db, config.dbPath, countAllChunks(db)),
      embedding: embeddingStatus(db, config.embedModel),
      sqlite_vec: vectorExtension(db),
    }),
    close: () => {
      if (!db.open) return;
      egress.flush();
      db.close();
    },
  };
}

/** The cloud route when the runtime lent no key source. */
async function noCloudKey(consent: CloudConsent): Promise<ChatModel> {
  throw new BrainError("secret_missing", `No ${consent.provider} API key is available here.`, {
    hint: "Use `brain ask` (it reads the key stored with `brain cloud set-key`), or ask with --route local.",
  });
}

function embeddingStatus(db: Db, configured: string): BrainStatus["embedding"] {
  const { models, pending } = modelStatus(db, configured);
  return { configured_model: configured, pending, models };
}
