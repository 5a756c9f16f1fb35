import { environment, getPreferenceValues } from "@raycast/api";
import { createBrain, type Brain } from "../core/brain.ts";
import type { BrainConfig } from "../core/config.ts";
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
  return createBrain(raycastConfig());
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
