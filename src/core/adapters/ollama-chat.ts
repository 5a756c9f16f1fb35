import type { AbortableAsyncIterator, ChatRequest, ChatResponse } from "ollama";
import type { ChatMessage, ChatModel } from "../base/index.ts";
import {
  cancelled,
  openOllamaCall,
  toOllamaError,
  type OllamaCall,
  type OllamaConnectionOptions,
} from "./ollama.ts";

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
    chat: (messages, { signal } = {}) => streamChat({ ...options, contextTokens }, messages, signal),
  };
}

async function* streamChat(
  options: OllamaChatOptions & { contextTokens: number },
  messages: ChatMessage[],
  signal?: AbortSignal,
): AsyncGenerator<string> {
  if (signal?.aborted) throw cancelled(signal.reason);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const call = openOllamaCall({ ...options, timeoutMs }, signal);
  let stream: AbortableAsyncIterator<ChatResponse> | undefined;
  let midStream = false;
  try {
    stream = await startStream(call, {
      model: options.model,
      messages,
      stream: true,
      think: false,
      options: { num_ctx: options.contextTokens },
    });
    midStream = true;
    for await (const part of stream) {
      call.arm();
      // Parts already buffered keep coming after an abort; stop at once instead.
      if (signal?.aborted) throw cancelled(signal.reason);
      const token = part.message?.content;
      if (token) yield token;
    }
  } catch (err) {
    const context = {
      host: options.host,
      model: options.model,
      endpoint: "/api/chat",
      timeoutMs,
      signal,
      midStream,
    };
    throw toOllamaError(err, { ...context, timedOut: call.timedOut });
  } finally {
    call.done();
    stream?.abort();
  }
}

/** Starts the stream; models without a thinking switch get the request again without `think`. */
async function startStream(
  call: OllamaCall,
  request: ChatRequest & { stream: true },
): Promise<AbortableAsyncIterator<ChatResponse>> {
  try {
    return await call.client.chat(request);
  } catch (err) {
    if (!/does not support thinking/i.test(err instanceof Error ? err.message : "")) throw err;
    const { think: _think, ...rest } = request;
    return await call.client.chat({ ...rest, stream: true });
  }
}
