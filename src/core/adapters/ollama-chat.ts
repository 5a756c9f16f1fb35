import type { AbortableAsyncIterator, ChatRequest, ChatResponse } from "ollama";
import type { ChatMessage, ChatModel, RequestOptions } from "../base/index.ts";
import { cancelled, openOllamaCall, toOllamaError, type OllamaConnectionOptions } from "./ollama.ts";

export interface OllamaChatOptions extends OllamaConnectionOptions {
  /** The chat model, e.g. `qwen3:4b`. */
  model: string;
  /** The context window to ask Ollama for (`num_ctx`) and to tell callers to pack within (default 8192). */
  contextTokens?: number;
}

/**
 * A local ChatModel backed by Ollama's streamed /api/chat. `chat()` yields the answer's content
 * tokens as they arrive; aborting the signal (or leaving the loop early) closes the connection.
 * Thinking is switched off (`think: false`) so reasoning models answer directly.
 *
 * @example
 * const model = createOllamaChat({ host: config.ollamaHost, model: "qwen3:4b" });
 * for await (const token of model.chat([{ role: "user", content: "Hi" }], { signal })) process.stdout.write(token);
 */
export function createOllamaChat(options: OllamaChatOptions): ChatModel {
  const contextTokens = options.contextTokens ?? 8192;
  return {
    route: "local",
    model: options.model,
    contextTokens,
    chat: (messages, request = {}) => streamChat({ ...options, contextTokens }, messages, request),
  };
}

async function* streamChat(
  options: OllamaChatOptions & { contextTokens: number },
  messages: ChatMessage[],
  { signal, onResend }: RequestOptions,
): AsyncGenerator<string> {
  if (signal?.aborted) throw cancelled(signal.reason);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const call = openOllamaCall({ ...options, timeoutMs }, signal);
  let stream: AbortableAsyncIterator<ChatResponse> | undefined;
  let midStream = false;
  try {
    const body = {
      model: options.model,
      messages,
      think: false,
      options: { num_ctx: options.contextTokens },
    };
    const send = (b: ChatRequest) => call.client.chat({ ...b, stream: true });
    stream = await chatWithoutThinkIfRefused(body, send, onResend);
    midStream = true;
    for await (const part of stream) {
      call.arm();
      // Parts already buffered keep coming after an abort; stop at once instead.
      if (signal?.aborted) throw cancelled(signal.reason);
      const token = part.message?.content;
      if (token) yield token;
    }
  } catch (err) {
    const context = { host: options.host, model: options.model, endpoint: "/api/chat", timeoutMs, signal };
    throw toOllamaError(err, { ...context, midStream, timedOut: call.timedOut });
  } finally {
    call.done();
    stream?.abort();
  }
}

/**
 * Sends a chat request. A model without a thinking switch refuses `think` (some Ollama versions
 * do): it gets the request again without it, and `onResend` is called first, because the messages
 * (memory text included) then leave twice. One place for the chat, tools and structured adapters.
 *
 * @example
 * const send = (b: ChatRequest) => client.chat({ ...b, stream: false });
 * const response = await chatWithoutThinkIfRefused(body, send, onResend);
 */
export async function chatWithoutThinkIfRefused<T>(
  request: ChatRequest,
  send: (request: ChatRequest) => Promise<T>,
  onResend?: () => void,
): Promise<T> {
  try {
    return await send(request);
  } catch (err) {
    if (!/does not support thinking/i.test(err instanceof Error ? err.message : "")) throw err;
    onResend?.();
    const { think: _think, ...rest } = request;
    return await send(rest);
  }
}
