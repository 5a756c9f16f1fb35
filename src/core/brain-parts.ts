import type { CloudConsent, Destination, EgressGate } from "./privacy/index.ts";
import type { BrainConfig, ChatModel, Clock, Embedder, ToolChatModel } from "./base/index.ts";
import type { Db } from "./db/index.ts";
import type { EntryStore } from "./store/index.ts";
import type { SearchDeps } from "./search/index.ts";
import type { StructuredModel, StructuredRoute } from "./enrich/index.ts";
import type { SecretsSource } from "./privacy-brain.ts";

/**
 * What the outside world lends the core: the runtime's composition root (the CLI's main.ts,
 * Raycast's helpers/brain.ts) picks these, and nothing else does. Every field has a default.
 */
export interface BrainDeps {
  clock?: Clock;
  /** The embedder for a model name; Ollama at `config.ollamaHost` by default. */
  embedderFor?: (model: string) => Embedder;
  /** The local chat model for `ask`; Ollama's `config.chatModel` by default. */
  chat?: ChatModel;
  /** The local chat model with tools for `ask --agent`; Ollama's `config.chatModel` by default. */
  toolChat?: ToolChatModel;
  /**
   * The OS secret store (Keychain, Secret Service), built when a call first needs it: the cloud
   * API key and the backup key live there. Only the CLI lends one; without it, cloud keys and
   * backups fail with the fix (Raycast never touches a secret store).
   */
  secrets?: SecretsSource;
  /**
   * The consented cloud model for `ask`, when the runtime has its own key source (Raycast: a
   * password preference). Without it, the key comes from `secrets`; without both, a cloud route
   * fails with the fix.
   */
  cloudChat?: (consent: CloudConsent) => Promise<ChatModel>;
  /** The fetch the Ollama adapters use (tests reach a fake server under a remote host's name). */
  ollamaFetch?: typeof fetch;
  /** `false` turns the egress ledger off: only for the benchmark's with/without comparison. */
  egressLedger?: boolean;
  /** The model for structured tasks; by default Apple FM through its helper, else Ollama (structured-route.ts). */
  structured?: StructuredModel;
}

/**
 * What an open Brain is made of: the database and the parts wired over it. Built on the first
 * call that needs the database (see createBrain), shared by the ask and embed wiring.
 */
export interface BrainParts {
  config: BrainConfig;
  db: Db;
  clock: Clock;
  egress: EgressGate;
  entries: EntryStore;
  /** Where Ollama is; throws `remote_host_not_allowed` for a host without consent. */
  whereIsOllama: () => Destination;
  /** What search needs: the query embedder for a model, the query vector cache. */
  searchDeps: SearchDeps;
  /** The model structured tasks use, and why. */
  structured: () => Promise<StructuredRoute>;
}
