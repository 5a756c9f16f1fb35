/**
 * The one error type the core throws. Every error carries a stable `code` a caller can branch on
 * and a `hint`: the next step a person can take. The UI turns it into a toast, the CLI into one
 * line on stderr, the MCP server into a tool error.
 *
 * @example
 * throw new BrainError("ollama_unreachable", `Ollama is not reachable at ${url}.`, {
 *   hint: "Start Ollama: `ollama serve`.",
 *   cause: err,
 * });
 */
export class BrainError extends Error {
  override readonly name = "BrainError";
  readonly code: BrainErrorCode;
  readonly hint: string | undefined;

  constructor(code: BrainErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }

  /** The message and the hint as one sentence pair, for a terminal or a toast. */
  get sentence(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export type BrainErrorCode =
  | "bad_input"
  | "not_found"
  | "too_large"
  | "not_a_database"
  | "database_busy"
  | "database_error"
  | "ollama_unreachable"
  | "ollama_timeout"
  | "ollama_model_missing"
  | "ollama_bad_response"
  | "embedding_invalid"
  | "embedder_running"
  | "chat_failed"
  | "cloud_not_allowed"
  | "remote_host_not_allowed"
  | "cloud_failed"
  | "secret_store_unavailable"
  | "secret_missing"
  | "backup_failed"
  | "backup_invalid"
  | "backup_exists"
  | "offsite_failed"
  | "jobs_failed"
  | "import_failed"
  | "structured_invalid"
  | "structured_unavailable"
  | "structured_not_local"
  | "suggestion_decided"
  | "cancelled";

/** True when `err` is a BrainError, optionally with the given code. */
export function isBrainError(err: unknown, code?: BrainErrorCode): err is BrainError {
  return err instanceof BrainError && (code === undefined || err.code === code);
}

/** Wraps anything thrown into a BrainError, keeping BrainErrors as they are. */
export function toBrainError(err: unknown, fallback: BrainErrorCode = "database_error"): BrainError {
  if (err instanceof BrainError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new BrainError(fallback, message, { cause: err });
}
