import type { AgentAnswer, AgentMemory, AgentOptions } from "./agent/index.ts";
import type { AskAnswer, AskOptions } from "./ask/index.ts";
import type { Digest, StructuredRoute } from "./enrich/index.ts";
import { createEgressGate, type Destination, type EgressGate, ollamaDestination } from "./privacy/index.ts";
import { systemClock, type Clock, type BrainConfig } from "./base/index.ts";
import { openDatabase, vectorExtension, type Db, type VectorExtension } from "./db/index.ts";
import { countAllChunks, modelStatus, type ModelStatus, type EmbedReport } from "./embed/index.ts";
import { createConversationHook, createGraphHook } from "./graph/index.ts";
import { createEntryStore, type EntryStore, storeStatus, type StoreStatus } from "./store/index.ts";
import { graphBrain, type GraphBrain } from "./graph-brain.ts";
import { QueryVectorCache, type SearchOptions, type SearchResponse } from "./search/index.ts";
import type { BrainDeps, BrainParts } from "./brain-parts.ts";
import { askWith } from "./ask-brain.ts";
import { askAgentWith } from "./agent-brain.ts";
import { embedWith, queryEmbedderFor, type EmbedOptions } from "./embed-brain.ts";
import { noSecretStore, privacyBrain, type CloudBrain, type LedgerBrain } from "./privacy-brain.ts";
import { backupBrain, type BackupBrain } from "./backup-brain.ts";
import { enrichmentBrain, type EnrichmentBrain } from "./enrich-brain.ts";

export type { BrainDeps } from "./brain-parts.ts";

/** One check `brain doctor` prints (see doctor.ts). */
export interface Check {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  /** The next step, when something is wrong. */
  fix?: string;
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
  /** A question answered by a model that calls the read-only memory tools in a loop (see agent/agent.ts). */
  askAgent(question: string, options?: AgentOptions): Promise<AgentAnswer>;
  /** The model structured tasks (enrichment, digest) use, and why. */
  structured(): Promise<StructuredRoute>;
  /** A summary of what was captured since `since` (default `7d`), see digest.ts. */
  digest(options?: { since?: string; signal?: AbortSignal }): Promise<Digest>;
  /** One pass of the background embedder with the configured model, then enrichment when it is on. */
  embed(options?: EmbedOptions): Promise<EmbedReport>;
  status(): BrainStatus;
  /** What enrichment suggests, the answers to it, and its settings. */
  readonly enrichment: EnrichmentBrain;
  /** Cloud consent and its API key, and the model hosts on other machines allowed. */
  readonly cloud: CloudBrain;
  /** What left this machine. */
  readonly ledger: LedgerBrain;
  /** Encrypted backups and their key; they never open the database through the Brain. */
  readonly backup: BackupBrain;
  /** Checks everything Local Brain depends on, with the fix for each problem (`brain doctor`). */
  doctor(): Promise<Check[]>;
  close(): void;
}

export interface BrainOptions {
  /**
   * `now` (the default) opens the database in createBrain, so a broken file fails at once;
   * `on first use` waits for the first call that needs it (the CLI: `brain backup` and
   * `brain restore` never open it, and never create one).
   */
  open?: "now" | "on first use";
}

/**
 * The composition root's one call: wires the core's parts and picks the adapters the runtime did
 * not lend (the clock, Ollama). Commands, the CLI, the MCP server and the jobs each build one Brain
 * and only talk to it.
 *
 * @example
 * const brain = createBrain(resolveConfig({ dbPath: "/tmp/brain.db" }));
 * brain.entries.capture({ text: "hello" });
 * brain.close();
 */
export function createBrain(config: BrainConfig, deps: BrainDeps = {}, options: BrainOptions = {}): Brain {
  const clock = deps.clock ?? systemClock;
  const secrets = once(deps.secrets ?? noSecretStore);
  let parts: BrainParts | undefined;
  const open = () => (parts ??= openParts(config, deps, clock));
  const brain: Brain = {
    config,
    clock,
    get db() {
      return open().db;
    },
    get entries() {
      return open().entries;
    },
    get egress() {
      return open().egress;
    },
    ollamaDestination: () => open().whereIsOllama(),
    ...lazyGraph(() => graphBrain(open().db, open().entries, clock)),
    search: (query, searchOptions) => searchWith(open(), deps, query, searchOptions),
    ...askMethods(open, deps, () => brain),
    structured: () => open().structured(),
    digest: (digestOptions) => digestWith(open(), digestOptions),
    embed: (embedOptions = {}) => embedWith(open(), deps, embedOptions),
    status: () => statusOf(open()),
    enrichment: enrichmentBrain(open),
    ...privacyBrain(() => open().db, clock, secrets),
    backup: backupBrain(config, { secrets, clock }),
    doctor: async () =>
      (await import("./doctor.ts")).runDoctor(brain, { secretStore: deps.secrets && secrets }),
    close: () => {
      if (!parts?.db.open) return;
      parts.egress.flush();
      parts.db.close();
    },
  };
  if (options.open !== "on first use") open();
  return brain;
}

/** A structured model the caller lends (tests, an embedding app) runs in this process. */
const GIVEN_MODEL: Destination = { class: "local", road: "structured", name: "given by the caller" };

/** Opens the database and wires the parts over it: the entry store with its hooks, the gate, search. */
function openParts(config: BrainConfig, deps: BrainDeps, clock: Clock): BrainParts {
  const db = openDatabase(config.dbPath, {
    nativeBinding: config.native?.betterSqlite3,
    sqliteVecPath: config.native?.sqliteVec,
  });
  const egress = createEgressGate(db, clock, { ledger: deps.egressLedger });
  const whereIsOllama = () => ollamaDestination(db, config.ollamaHost);
  const entries = createEntryStore(db, clock, [
    createGraphHook(db, clock),
    createConversationHook(db, clock),
  ]);
  const searchDeps = {
    db,
    clock,
    configuredModel: config.embedModel,
    embedderFor: queryEmbedderFor(config, deps, egress, whereIsOllama),
    cache: new QueryVectorCache(),
  };
  const structured = async (): Promise<StructuredRoute> =>
    deps.structured
      ? { model: deps.structured, reason: "given by the caller", destination: () => GIVEN_MODEL }
      : (await import("./structured-route.ts")).chooseStructuredModel(config, {
          ollamaDestination: whereIsOllama,
          ollamaFetch: deps.ollamaFetch,
        });
  return { config, db, clock, egress, entries, whereIsOllama, searchDeps, structured };
}

/** `ask` and `ask --agent`, over the parts opened on their first call. */
function askMethods(
  open: () => BrainParts,
  deps: BrainDeps,
  brain: () => Brain,
): Pick<Brain, "ask" | "askAgent"> {
  return {
    ask: (question, options) => askWith(open(), deps, question, options),
    askAgent: (question, options) => askAgentWith(open(), deps, agentMemory(brain()), question, options),
  };
}

/** What the agent loop's tools read: the same functions the MCP tools call. */
function agentMemory(brain: Brain): AgentMemory {
  return {
    search: (query, options) => brain.search(query, options),
    get: (id) => brain.entries.get(id),
    related: (target, options) => brain.related(target, options),
    screenRelated: (out, result) => brain.screen.related(out, result),
    recent: (options) => brain.entries.list(options),
  };
}

/** The graph methods over a database opened on their first call. */
function lazyGraph(graph: () => GraphBrain): GraphBrain {
  let built: GraphBrain | undefined;
  const get = () => (built ??= graph());
  return {
    related: (target, options) => get().related(target, options),
    link: (from, to, options) => get().link(from, to, options),
    boot: (options) => get().boot(options),
    import: (paths, options) => get().import(paths, options),
    duplicates: (limit) => get().duplicates(limit),
    mergeDuplicate: (keep, other) => get().mergeDuplicate(keep, other),
    screen: {
      related: (out, result) => get().screen.related(out, result),
      boot: (out, context) => get().screen.boot(out, context),
    },
  };
}

async function searchWith(
  parts: BrainParts,
  deps: BrainDeps,
  query: string,
  options?: SearchOptions,
): Promise<SearchResponse> {
  // Meaning search sends the query to Ollama: a host without consent is refused first.
  if (options?.mode !== "keyword" && !deps.embedderFor) parts.whereIsOllama();
  return (await import("./search/search.ts")).search(parts.searchDeps, query, options);
}

async function digestWith(
  parts: BrainParts,
  options?: { since?: string; signal?: AbortSignal },
): Promise<Digest> {
  const { entries, clock, egress } = parts;
  return (await import("./enrich/digest.ts")).makeDigest(
    { entries, route: await parts.structured(), egress, now: () => clock.now().getTime() },
    options,
  );
}

function statusOf({ db, config }: BrainParts): BrainStatus {
  const { models, pending } = modelStatus(db, config.embedModel);
  return {
    ...storeStatus(db, config.dbPath, countAllChunks(db)),
    embedding: { configured_model: config.embedModel, pending, models },
    sqlite_vec: vectorExtension(db),
  };
}

/** A factory called at most once: the secret store is built when first needed, then kept. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
