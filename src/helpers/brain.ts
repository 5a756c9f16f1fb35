import { environment, getPreferenceValues } from "@raycast/api";
import { createBrain, type Brain, type BrainDeps } from "../core/brain.ts";
import type { CloudConsent } from "../core/privacy/index.ts";
import { BrainError, type BrainConfig, type ChatModel } from "../core/base/index.ts";
import { configFromPreferences, type BrainPreferences } from "./config.ts";

/**
 * The Raycast runtime's composition root: the configuration from the extension's preferences and
 * assets. Every command builds its Brain through here and nowhere else.
 *
 * @example
 * const config = raycastConfig();
 * console.log(config.dbPath);
 */
export function raycastConfig(): BrainConfig {
  return configFromPreferences(getPreferenceValues<BrainPreferences>(), {
    assetsPath: environment.assetsPath,
    platform: process.platform,
    arch: process.arch,
  });
}

/**
 * Opens the Brain the preferences point at. The caller closes it.
 *
 * @example
 * const brain = openBrain();
 * try { brain.entries.capture({ text: "hello" }); } finally { brain.close(); }
 */
export function openBrain(): Brain {
  return createBrain(raycastConfig(), raycastDeps(getPreferenceValues<BrainPreferences>()));
}

/**
 * What Raycast lends the core: the cloud model's key from the password preference, and no secret
 * store. The extension never reads the Keychain (the command line does, for `brain ask` and the
 * backups); the clock and Ollama are createBrain's defaults.
 *
 * @example
 * createBrain(raycastConfig(), raycastDeps(getPreferenceValues<BrainPreferences>()));
 */
export function raycastDeps(prefs: BrainPreferences): BrainDeps {
  const key = prefs.cloudApiKey?.trim();
  return {
    cloudChat: async (consent: CloudConsent): Promise<ChatModel> => {
      if (!key) {
        throw new BrainError("secret_missing", `No ${consent.provider} API key is set for Raycast.`, {
          hint: "Add it in the extension's preferences (Cloud API Key), or ask with the local model.",
        });
      }
      const { createAnthropicChat } = await import("../core/adapters/anthropic.ts");
      return createAnthropicChat({ apiKey: key, model: consent.model, baseURL: consent.base_url });
    },
  };
}

/**
 * Runs `work` with a Brain opened for it and closes the Brain afterwards, also when `work` fails.
 *
 * @example
 * const entry = await withBrain((brain) => brain.entries.capture({ text }).entry);
 */
export async function withBrain<T>(work: (brain: Brain) => T | Promise<T>): Promise<T> {
  const brain = openBrain();
  try {
    return await work(brain);
  } finally {
    brain.close();
  }
}
