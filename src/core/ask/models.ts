import { createOllamaChat } from "../adapters/index.ts";
import type { BrainConfig, ChatModel } from "../base/index.ts";

/** The chat models `ask` uses when the composition root does not lend its own. */

/**
 * The local model: Ollama's `config.chatModel` at `config.ollamaHost`; `reach.remoteAllowed` when
 * the person allowed that host although it is another machine.
 */
export function defaultLocalChat(
  config: BrainConfig,
  reach: { remoteAllowed?: boolean; fetch?: typeof fetch } = {},
): ChatModel {
  return createOllamaChat({ host: config.ollamaHost, model: config.chatModel, ...reach });
}
