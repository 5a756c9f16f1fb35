import { detectSecretStore } from "./adapters/keychain.ts";
import { createOllamaChat } from "./adapters/ollama-chat.ts";
import { readCloudKey, type CloudConsent } from "./cloud-consent.ts";
import type { BrainConfig } from "./config.ts";
import type { ChatModel, SecretStore } from "./ports.ts";

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

/**
 * A factory for the consented cloud model: reads the provider's key from the OS secret store at
 * the moment it is needed (never before consent, never from a file or the environment) and loads
 * the provider's SDK only then. The endpoint is the one stored with the consent.
 *
 * @example
 * const cloudChat = cloudChatFromSecretStore();
 * const model = await cloudChat({ provider: "anthropic", model: "claude-sonnet-5-5", enabled_at });
 */
export function cloudChatFromSecretStore(
  secrets: () => SecretStore = () => detectSecretStore(),
): (consent: CloudConsent) => Promise<ChatModel> {
  return async (consent) => {
    const apiKey = await readCloudKey(secrets(), consent.provider);
    const { createAnthropicChat } = await import("./adapters/anthropic.ts");
    return createAnthropicChat({ apiKey, model: consent.model, baseURL: consent.base_url });
  };
}
