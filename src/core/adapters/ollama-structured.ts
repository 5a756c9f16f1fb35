import type { ChatRequest } from "ollama";
import { validatedModel, type StructuredModel, type StructuredRequest } from "../enrich/index.ts";
import type { RequestOptions } from "../base/index.ts";
import { cancelled, openOllamaCall, toOllamaError, type OllamaConnectionOptions } from "./ollama.ts";
import { chatWithoutThinkIfRefused } from "./ollama-chat.ts";

export interface OllamaStructuredOptions extends OllamaConnectionOptions {
  /** The chat model, e.g. `qwen3:4b`. */
  model: string;
  /** The context window to ask for (`num_ctx`, default 8192). */
  contextTokens?: number;
}

/**
 * A StructuredModel on Ollama's `/api/chat` with `format` set to the JSON Schema, so the model's
 * output is constrained to it; one request, not streamed, temperature 0, thinking off. The answer
 * is still validated (see `validatedModel`): older Ollama versions ignore `format`.
 *
 * @example
 * const model = createOllamaStructured({ host: config.ollamaHost, model: "qwen3:4b" });
 * const value = await model.generate({ task: "enrich", instructions, input, schema });
 */
export function createOllamaStructured(options: OllamaStructuredOptions): StructuredModel {
  return validatedModel(
    {
      provider: "ollama",
      model: options.model,
      invalidHint: `Try again; if it keeps happening, update Ollama (structured output needs 0.5 or newer) or set BRAIN_STRUCTURED_MODEL to another model.`,
    },
    (request, signal, onResend) => chatOnce(options, request, { signal, onResend }),
  );
}

async function chatOnce(
  options: OllamaStructuredOptions,
  request: StructuredRequest,
  { signal, onResend }: RequestOptions,
): Promise<string> {
  if (signal?.aborted) throw cancelled(signal.reason);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const call = openOllamaCall({ ...options, timeoutMs }, signal);
  const body: ChatRequest = {
    model: options.model,
    messages: [
      { role: "system", content: request.instructions },
      { role: "user", content: request.input },
    ],
    think: false,
    format: request.schema,
    options: { temperature: 0, num_ctx: options.contextTokens ?? 8192 },
  };
  try {
    const send = (b: ChatRequest) => call.client.chat({ ...b, stream: false });
    const response = await chatWithoutThinkIfRefused(body, send, onResend);
    return response.message?.content ?? "";
  } catch (err) {
    const context = { host: options.host, model: options.model, endpoint: "/api/chat", timeoutMs, signal };
    throw toOllamaError(err, { ...context, timedOut: call.timedOut });
  } finally {
    call.done();
  }
}
