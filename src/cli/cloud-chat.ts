import { detectSecretStore } from "../core/adapters/index.ts";
import { readCloudKey, type CloudConsent } from "../core/privacy/index.ts";
import type { ChatModel, SecretStore } from "../core/base/index.ts";

/**
 * The command line's consented cloud model: reads the provider's key from the OS secret store at
 * the moment it is needed (never before consent, never from a file or the environment) and loads
 * the provider's SDK only then. The endpoint is the one stored with the consent. It lives with the
 * command line, not the core, so the Raycast extension never bundles a secret store.
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
    const { createAnthropicChat } = await import("../core/adapters/anthropic.ts");
    return createAnthropicChat({ apiKey, model: consent.model, baseURL: consent.base_url });
  };
}
