import fs from "node:fs";
import {
  createAppleFmStructured,
  createOllamaStructured,
  probeAppleFm,
  type AppleFmAvailability,
} from "./adapters/index.ts";
import type { BrainConfig } from "./base/index.ts";
import { describeModel, type StructuredRoute } from "./enrich/index.ts";

/**
 * Routing for structured tasks: the fastest on-device model. Apple Foundation Models when its
 * helper is installed and says the system model is ready, else Ollama's structured-task model
 * (`BRAIN_STRUCTURED_MODEL`, else the chat model).
 */

export interface RouteDeps {
  /** Asks the helper whether the model is ready; the real helper by default. */
  probe?: (helperPath: string) => Promise<AppleFmAvailability>;
}

/**
 * Picks the structured model for this configuration.
 *
 * @example
 * const { model, reason } = await chooseStructuredModel(brain.config);
 */
export async function chooseStructuredModel(
  config: BrainConfig,
  deps: RouteDeps = {},
): Promise<StructuredRoute> {
  const helper = config.appleFmHelper ?? null;
  const ollama = createOllamaStructured({
    host: config.ollamaHost,
    model: config.structuredModel ?? config.chatModel,
  });
  if (!helper) return { model: ollama, reason: "no Apple Foundation Models helper is configured" };
  if (!isExecutable(helper)) {
    return { model: ollama, reason: `the Apple Foundation Models helper is not installed (${helper})` };
  }
  const availability = await (deps.probe ?? probeAppleFm)(helper);
  if (!availability.available) {
    return {
      model: ollama,
      reason: `Apple Foundation Models is unavailable: ${availability.reason ?? "unknown"}`,
    };
  }
  return {
    model: createAppleFmStructured({ helperPath: helper }),
    reason: `its helper at ${helper} reports it ready`,
  };
}

/**
 * One line for `brain doctor`: which model structured tasks use, and why.
 *
 * @example
 * const check = await structuredCheck(brain.config); // { name: "structured tasks", status: "ok", … }
 */
export async function structuredCheck(
  config: BrainConfig,
  deps: RouteDeps = {},
): Promise<{ name: string; status: "ok" | "warn"; detail: string; fix?: string }> {
  const { model, reason } = await chooseStructuredModel(config, deps);
  const detail = `${describeModel(model)} (${reason})`;
  if (model.local) return { name: "structured tasks", status: "ok", detail };
  return {
    name: "structured tasks",
    status: "warn",
    detail: `${detail}; not on this machine, so enrichment and the digest are off`,
    fix: "Point OLLAMA_HOST at this machine, or install the Apple Foundation Models helper (`scripts/build-apple-fm.sh`).",
  };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
