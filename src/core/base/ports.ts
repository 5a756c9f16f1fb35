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

/** What a model request takes besides its input. */
export interface RequestOptions {
  signal?: AbortSignal;
  /**
   * Called just before the adapter sends the same request again (without `think`, to a model that
   * refused it; once more, after an answer that broke the schema): the memory text in it leaves
   * twice, so the caller's ledger records a second request (privacy `requestOptions`).
   */
  onResend?: () => void;
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
  chat(messages: ChatMessage[], options?: RequestOptions): AsyncIterable<string>;
}

/** A tool a model may call: its name, what it does, and its arguments as a JSON Schema object. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** One call a model asked for. `id` pairs it with its result (Anthropic's tool_use id; made up for Ollama). */
export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model sent them: unchecked. */
  arguments: unknown;
}

/** A message in a conversation with tools: the plain ones, the model's calls, and their results. */
export type ToolMessage =
  | ChatMessage
  | { role: "assistant"; content: string; toolCalls: ToolCall[] }
  | { role: "tool"; callId: string; name: string; content: string; isError: boolean };

/** What the model said in one turn: text, and the tools it wants called (none when it answered). */
export interface ToolTurn {
  content: string;
  toolCalls: ToolCall[];
}

/** A chat model that can call tools: one request per turn, answered whole. */
export interface ToolChatModel {
  readonly route: "local" | "cloud";
  readonly model: string;
  readonly contextTokens: number;
  /** One turn. With `tools` empty the model must answer in text. */
  turn(messages: ToolMessage[], tools: ToolDefinition[], options?: RequestOptions): Promise<ToolTurn>;
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
