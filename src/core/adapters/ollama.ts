import { Ollama } from "ollama";
import { isLoopbackUrl, remoteHostRefused } from "../privacy/index.ts";
import { BrainError } from "../base/index.ts";
import { withoutRedirects } from "./no-redirect.ts";

/**
 * The Ollama adapter's shared plumbing: one client per operation with a watchdog timeout and the
 * caller's abort signal wired into every fetch, the translation of whatever goes wrong into a
 * BrainError a person can act on, and `checkOllama` for status screens. The embedder and the chat
 * model live in `ollama-embedder.ts` and `ollama-chat.ts`; they are re-exported here.
 */

export interface OllamaConnectionOptions {
  /** Ollama's base URL, e.g. `http://127.0.0.1:11434`. */
  host: string;
  /** Longest wait, in ms, for Ollama to answer (for a stream: for the next part of it). */
  timeoutMs?: number;
  /** The fetch to use; the global one by default. */
  fetch?: typeof fetch;
  /**
   * The person allowed this host although it is not this machine (`brain cloud allow-host`).
   * Without it, a request to any host but loopback is refused before it is made.
   */
  remoteAllowed?: boolean;
}

/** One operation's client. `arm` restarts the watchdog (a stream calls it on every part). */
export interface OllamaCall {
  readonly client: Ollama;
  arm(): void;
  done(): void;
  readonly timedOut: boolean;
}

/**
 * Opens a client for one operation. Every request it makes is aborted when the caller's `signal`
 * aborts, or when nothing has arrived for `timeoutMs` (a watchdog rather than `AbortSignal.timeout`,
 * so a long answer that keeps streaming is not cut off). Call `done()` when finished.
 *
 * @example
 * const call = openOllamaCall({ host, timeoutMs: 5000 }, signal);
 * try { return await call.client.version(); } finally { call.done(); }
 */
export function openOllamaCall(options: OllamaConnectionOptions, signal?: AbortSignal): OllamaCall {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const baseFetch = withoutRedirects(options.fetch ?? globalThis.fetch, redirectRefused);
  const watchdog = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    const reason = new DOMException(`Ollama sent nothing for ${timeoutMs} ms.`, "TimeoutError");
    timer = setTimeout(() => watchdog.abort(reason), timeoutMs);
  };
  const timedFetch: typeof fetch = (input, init) => {
    // The last line of defence: memory text never goes to another machine without consent.
    const url = input instanceof Request ? input.url : String(input);
    if (!options.remoteAllowed && !isLoopbackUrl(url)) return Promise.reject(remoteHostRefused(url));
    arm();
    const signals = [watchdog.signal, signal, init?.signal].filter((s): s is AbortSignal => s != null);
    return baseFetch(input, { ...init, signal: AbortSignal.any(signals) });
  };
  return {
    client: new Ollama({ host: options.host, fetch: timedFetch }),
    arm,
    done: () => clearTimeout(timer),
    get timedOut() {
      return watchdog.signal.aborted;
    },
  };
}

/** Ollama's answer was a redirect, which is never followed (no-redirect.ts). */
function redirectRefused(from: string, to: string): BrainError {
  return new BrainError(
    "ollama_bad_response",
    `Ollama at ${from} answered with a redirect to ${to}, which is not followed: memory text goes only to the host it was sent to.`,
    { hint: "Point OLLAMA_HOST at the address Ollama itself answers on." },
  );
}

/** What was being attempted when something went wrong, for the error message. */
export interface OllamaErrorContext {
  host: string;
  model: string;
  /** The API path, e.g. `/api/embed`. */
  endpoint: string;
  timeoutMs: number;
  timedOut: boolean;
  signal?: AbortSignal;
  /** True once a chat stream has started: a failure then is `chat_failed`. */
  midStream?: boolean;
}

const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
]);

/**
 * Turns anything the client throws into a BrainError: `cancelled`, `ollama_timeout`,
 * `ollama_model_missing`, `ollama_unreachable`, `ollama_bad_response`, or `chat_failed` mid-stream.
 *
 * @example
 * try { await client.embed(request); } catch (err) { throw toOllamaError(err, context); }
 */
export function toOllamaError(err: unknown, context: OllamaErrorContext): BrainError {
  if (err instanceof BrainError) return err;
  const { host, endpoint } = context;
  const message = err instanceof Error ? err.message : String(err);
  if (context.signal?.aborted) return cancelled(err);
  if (context.timedOut) {
    return new BrainError(
      "ollama_timeout",
      `Ollama at ${host} did not answer ${endpoint} within ${seconds(context)}.`,
      {
        hint: "Ollama may still be loading the model or be busy: try again in a minute.",
        cause: err,
      },
    );
  }
  const status = statusOf(err);
  if (status !== undefined) return httpError(status, message, context, err);
  return connectionError(err, message, context);
}

/** Ollama answered with an HTTP error: a model it does not have, or another refusal. */
function httpError(status: number, message: string, context: OllamaErrorContext, err: unknown): BrainError {
  const { host, model } = context;
  if (status === 404 && /not found/i.test(message) && !/page not found/i.test(message)) {
    return new BrainError(
      "ollama_model_missing",
      `The model "${model}" is not installed in Ollama at ${host}.`,
      {
        hint: `Run \`ollama pull ${model}\`.`,
        cause: err,
      },
    );
  }
  return badResponse(context, `answered with HTTP ${status}: ${message}`, err);
}

/** No HTTP status came back: a refused port, no route to Ollama, invalid JSON, or a cut-off reply. */
function connectionError(err: unknown, message: string, context: OllamaErrorContext): BrainError {
  const { host, model } = context;
  if (refusedPort(err)) return badPort(host, err);
  const code = networkCode(err);
  if (code && UNREACHABLE.has(code) && !context.midStream) {
    return new BrainError("ollama_unreachable", `Ollama is not reachable at ${host} (${code}).`, {
      hint: /^E(NOTFOUND|AI_AGAIN)$/.test(code)
        ? "Check the Ollama address (`OLLAMA_HOST`); to use this machine's, start Ollama: `ollama serve`."
        : "Start Ollama: `ollama serve`.",
      cause: err,
    });
  }
  if (err instanceof SyntaxError) return badResponse(context, "sent a reply that is not valid JSON", err);
  // The client's own message may end with a full stop: ours adds one.
  const detail = (code ? `${message} (${code})` : message).replace(/\.+$/, "");
  if (context.midStream) {
    return new BrainError("chat_failed", `The answer from ${model} broke off: ${detail}.`, {
      hint: "Try again; if it keeps happening, restart Ollama.",
      cause: err,
    });
  }
  return badResponse(context, `broke off the reply: ${detail}`, err);
}

/**
 * Node's fetch refuses some ports before connecting (9, 25, 6000…: the "bad ports" of the fetch
 * standard) with a bare "bad port". Restarting Ollama cannot help: the address is what to change.
 */
function badPort(host: string, cause: unknown): BrainError {
  const port = URL.canParse(host) ? new URL(host).port : "";
  return new BrainError(
    "ollama_unreachable",
    `The Ollama address ${host} uses port ${port || "?"}, which Node never connects to (a port reserved for other protocols).`,
    {
      hint: "Set OLLAMA_HOST (or the Ollama URL preference) to where Ollama listens, usually http://127.0.0.1:11434.",
      cause,
    },
  );
}

function refusedPort(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 5) return false;
  return err.message === "bad port" || refusedPort(err.cause, depth + 1);
}

/** The error a caller's abort turns into. */
export function cancelled(cause?: unknown): BrainError {
  return new BrainError("cancelled", "Cancelled: the request to Ollama was stopped.", { cause });
}

function badResponse(context: OllamaErrorContext, what: string, cause: unknown): BrainError {
  const outdated = /page not found/i.test(what);
  return new BrainError("ollama_bad_response", `Ollama at ${context.host} ${what} (${context.endpoint}).`, {
    hint: outdated
      ? "Update Ollama (this needs version 0.3 or newer), then try again."
      : "Try again; if it keeps happening, restart Ollama and check its log.",
    cause,
  });
}

function seconds(context: OllamaErrorContext): string {
  return context.timeoutMs >= 1000 ? `${context.timeoutMs / 1000} s` : `${context.timeoutMs} ms`;
}

/** The HTTP status of the client's `ResponseError` (a class it does not export). */
function statusOf(err: unknown): number | undefined {
  const status = (err as { status_code?: unknown } | null)?.status_code;
  return typeof status === "number" ? status : undefined;
}

/** The first `code` like `ECONNREFUSED` found along the cause chain (and inside AggregateErrors). */
function networkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== "object" || depth > 5) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return code;
  for (const inner of err instanceof AggregateError ? err.errors : []) {
    const found = networkCode(inner, depth + 1);
    if (found) return found;
  }
  return (
    networkCode((err as { cause?: unknown }).cause, depth + 1) ??
    (typeof code === "string" ? code : undefined)
  );
}

export interface OllamaStatus {
  /** Ollama answered its version endpoint. */
  reachable: boolean;
  /** The model is among the pulled ones. */
  modelPresent: boolean;
  version?: string;
  /** The first thing to fix, when something is wrong. */
  error?: BrainError;
}

/**
 * Asks Ollama for its version and its models, without throwing: for status screens and `doctor`.
 *
 * @example
 * const status = await checkOllama({ host: config.ollamaHost, model: config.embedModel });
 * if (status.error) console.error(status.error.sentence);
 */
export async function checkOllama(
  options: OllamaConnectionOptions & { model: string; signal?: AbortSignal },
): Promise<OllamaStatus> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const call = openOllamaCall({ ...options, timeoutMs }, options.signal);
  const context = { host: options.host, model: options.model, timeoutMs, signal: options.signal };
  let version: string | undefined;
  try {
    version = (await call.client.version()).version;
    const { models } = await call.client.list();
    const modelPresent = models.some(
      (m) => sameModel(m.name, options.model) || sameModel(m.model, options.model),
    );
    if (modelPresent) return { reachable: true, modelPresent, version };
    const error = toOllamaError(
      Object.assign(new Error(`model "${options.model}" not found`), { status_code: 404 }),
      { ...context, endpoint: "/api/tags", timedOut: false },
    );
    return { reachable: true, modelPresent, version, error };
  } catch (err) {
    const error = toOllamaError(err, {
      ...context,
      endpoint: version ? "/api/tags" : "/api/version",
      timedOut: call.timedOut,
    });
    return { reachable: version !== undefined, modelPresent: false, version, error };
  } finally {
    call.done();
  }
}

/** Ollama names a model without a tag `name:latest`. */
export function sameModel(a: string, b: string): boolean {
  const tagged = (name: string) => (name.includes(":") ? name : `${name}:latest`);
  return tagged(a) === tagged(b);
}
