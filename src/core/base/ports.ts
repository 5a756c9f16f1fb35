/**
 * Ports: what the core needs from the outside world. Adapters implement them (named for their
 * technology: `createOllamaEmbedder`), tests use doubles named for what they are (`FixedClock`,
 * `MemorySecretStore`, `FakeOllamaServer`).
 */

/** Turns texts into vectors. One call embeds a batch; vectors come back in input order. */
export interface Embedder {
  /** The model name vectors are stored under, e.g. `mxbai-embed-large`. */
  readonly model: string;
  /** The vector length the model produces, when known ahead of the first call. */
  readonly dimensions?: number;
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** A chat model that streams its answer token by token. */
export interface ChatModel {
  /** Where the request goes: `local` (Ollama) or `cloud` (a provider the person allowed). */
  readonly route: "local" | "cloud";
  /** The model name, e.g. `qwen3:4b`. */
  readonly model: string;
  /** The context window in tokens the caller should pack within. */
  readonly contextTokens: number;
  chat(messages: ChatMessage[], options?: { signal?: AbortSignal }): AsyncIterable<string>;
}

/** The OS secret store: macOS Keychain, Secret Service on Linux. */
export interface SecretStore {
  /** A short name for messages, e.g. "macOS Keychain". */
  readonly name: string;
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, secret: string): Promise<void>;
  delete(service: string, account: string): Promise<void>;
}

/** The current time, injectable so retention and capture times can be tested. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
