import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk";
import { BrainError, type ChatMessage, type ChatModel } from "../base/index.ts";
import { withoutRedirects } from "./no-redirect.ts";

/**
 * A cloud ChatModel backed by Anthropic's Messages API through the official SDK, streamed. Only
 * `ask` uses it, and only with the person's consent; the key comes from the OS secret store.
 */

export interface AnthropicChatOptions {
  /** The API key, read from the OS secret store by the caller. Always passed: the SDK's environment lookup is never used. */
  apiKey: string;
  /** e.g. `claude-sonnet-5-5`. */
  model: string;
  /**
   * The endpoint, always given: the SDK would otherwise read ANTHROPIC_BASE_URL from the
   * environment and send the key and the memories wherever it points.
   */
  baseURL: string;
  /** The window ask packs within (default 200,000 tokens). */
  contextTokens?: number;
  /** Longest answer, in tokens (default 2048). */
  maxTokens?: number;
  /** Longest wait for the API, in ms (default 120 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * @example
 * const model = createAnthropicChat({ apiKey, model: "claude-sonnet-5-5" });
 * for await (const token of model.chat(messages, { signal })) process.stdout.write(token);
 */
export function createAnthropicChat(options: AnthropicChatOptions): ChatModel {
  const client = anthropicClient(options);
  return {
    route: "cloud",
    model: options.model,
    contextTokens: options.contextTokens ?? 200_000,
    chat: (messages, { signal } = {}) => stream(client, options, messages, signal),
  };
}

/** The SDK's client with the endpoint and key given, no retries, no telemetry, no logging. */
export function anthropicClient(options: AnthropicChatOptions): Anthropic {
  return new Anthropic({
    apiKey: options.apiKey,
    authToken: null,
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 120_000,
    // A retry would send the memories again, unrecorded: one request per question, one ledger row.
    maxRetries: 0,
    fetch: withoutRedirects(options.fetch ?? globalThis.fetch, redirectRefused),
    openTelemetry: false,
    // ANTHROPIC_LOG=debug would print requests, headers included, to the console.
    logLevel: "off",
  });
}

async function* stream(
  client: Anthropic,
  options: AnthropicChatOptions,
  messages: ChatMessage[],
  signal?: AbortSignal,
): AsyncGenerator<string> {
  if (signal?.aborted) throw cancelled(signal.reason);
  const system = messages.filter((m) => m.role === "system").map((m) => m.content);
  const turns = messages.flatMap((m) => (m.role === "system" ? [] : [{ role: m.role, content: m.content }]));
  let finished = false;
  let started = false;
  try {
    const events = await client.messages.create(
      {
        model: options.model,
        max_tokens: options.maxTokens ?? 2048,
        ...(system.length ? { system: system.join("\n\n") } : {}),
        messages: turns,
        stream: true,
      },
      { signal },
    );
    started = true;
    for await (const event of events) {
      if (signal?.aborted) break;
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") yield event.delta.text;
      if (event.type === "message_stop") finished = true;
    }
  } catch (err) {
    throw withoutSecrets(toCloudError(err, options.model, signal, started), options.apiKey);
  }
  // The SDK ends a stream quietly when its request is aborted; a stream without message_stop broke.
  if (signal?.aborted) throw cancelled(signal.reason);
  if (!finished) {
    throw new BrainError("cloud_failed", `The answer from ${options.model} broke off before its end.`, {
      hint: "Try again, or ask locally with `--route local`.",
    });
  }
}

/** Anything that looks like a key or a bearer token, and the key itself. */
const SECRET_LIKE = /(sk-[A-Za-z0-9_-]{6,}|Bearer\s+[A-Za-z0-9._~+/=-]+|x-api-key\S*)/gi;

/**
 * The error as it may be shown: the key and anything shaped like one removed from the message
 * and the hint (an endpoint's error body could echo what it received), and no `cause`, whose
 * request or response objects could carry headers.
 *
 * @example
 * withoutSecrets(toCloudError(err, model), apiKey).message // "... (HTTP 401: invalid [redacted])."
 */
export function withoutSecrets(error: BrainError, key: string): BrainError {
  const clean = (text: string) =>
    (key ? text.split(key).join("[redacted]") : text).replace(SECRET_LIKE, "[redacted]");
  const hint = error.hint === undefined ? undefined : clean(error.hint);
  return new BrainError(error.code, clean(error.message), { hint });
}

/** The way out of a request that failed in the cloud. */
const LOCAL = "or ask locally with `--route local`";

/** The endpoint answered with a redirect, which is never followed (no-redirect.ts). */
function redirectRefused(from: string, to: string): BrainError {
  return new BrainError(
    "cloud_failed",
    `The cloud endpoint ${from} answered with a redirect to ${to}, which is not followed: memory text goes only to the endpoint you allowed.`,
    { hint: `Check the endpoint's address, ${LOCAL}.` },
  );
}

export function cancelled(cause?: unknown): BrainError {
  return new BrainError("cancelled", "Cancelled: the request to Anthropic was stopped.", { cause });
}

/**
 * Turns what the SDK throws into a BrainError with the next step.
 *
 * @example
 * toCloudError(new AuthenticationError(401, body, "invalid x-api-key", headers), "claude-sonnet-5-5").hint
 * // "Store a valid key with `brain cloud set-key`."
 */
export function toCloudError(
  err: unknown,
  model: string,
  signal?: AbortSignal,
  midStream = false,
): BrainError {
  if (err instanceof BrainError) return err;
  // The SDK wraps what its fetch throws: a refused redirect (redirectRefused) keeps its own words.
  if (err instanceof APIConnectionError && err.cause instanceof BrainError) return err.cause;
  if (signal?.aborted || err instanceof APIUserAbortError) return cancelled(err);
  const fail = ({ message, hint }: { message: string; hint: string }) =>
    new BrainError("cloud_failed", message, { hint, cause: err });
  if (err instanceof APIConnectionTimeoutError) {
    return fail({ message: "Anthropic's API did not answer in time.", hint: `Try again later, ${LOCAL}.` });
  }
  if (err instanceof APIConnectionError) {
    return fail({
      message: "Anthropic's API is not reachable.",
      hint: `Check the internet connection, ${LOCAL}.`,
    });
  }
  if (err instanceof APIError && err.status !== undefined) {
    const detail = err.apiMessage ? `: ${err.apiMessage.slice(0, 200)}` : "";
    return fail(statusFailure(err.status, detail, model));
  }
  const message = err instanceof Error ? err.message : String(err);
  if (midStream)
    return fail({ message: `The answer from ${model} broke off: ${message}.`, hint: `Try again, ${LOCAL}.` });
  return fail({ message: `The request to Anthropic failed: ${message}.`, hint: `Try again, ${LOCAL}.` });
}

/** What an HTTP status from Anthropic's API means, and the next step. */
function statusFailure(status: number, detail: string, model: string): { message: string; hint: string } {
  if (status === 401)
    return {
      message: `Anthropic refused the API key (HTTP 401${detail}).`,
      hint: "Store a valid key with `brain cloud set-key`.",
    };
  if (status === 403)
    return {
      message: `Anthropic denied the request (HTTP 403${detail}).`,
      hint: "Check the key's workspace and permissions in the Anthropic console.",
    };
  if (status === 404)
    return {
      message: `Anthropic does not know the model "${model}" (HTTP 404${detail}).`,
      hint: "Pick one with `brain cloud enable anthropic --model MODEL`.",
    };
  if (status === 429)
    return {
      message: `Anthropic's rate limit was reached (HTTP 429${detail}).`,
      hint: `Wait a minute and try again, ${LOCAL}.`,
    };
  if (status >= 500)
    return {
      message: `Anthropic's API failed or is overloaded (HTTP ${status}${detail}).`,
      hint: `Try again later, ${LOCAL}.`,
    };
  return {
    message: `Anthropic refused the request (HTTP ${status}${detail}).`,
    hint: `Check the model name and try again, ${LOCAL}.`,
  };
}
