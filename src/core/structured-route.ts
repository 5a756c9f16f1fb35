import fs from "node:fs";
import {
  createAppleFmStructured,
  createOllamaStructured,
  probeAppleFm,
  type AppleFmAvailability,
} from "./adapters/index.ts";
import type { BrainConfig } from "./base/index.ts";
import { describeModel, routeReach, type StructuredRoute } from "./enrich/index.ts";
import { isLoopbackUrl, remoteHostRefused, type Destination } from "./privacy/index.ts";

/**
 * Routing for structured tasks: the fastest on-device model. Apple Foundation Models when its
 * helper is installed and says the system model is ready, else Ollama's structured-task model
 * (`BRAIN_STRUCTURED_MODEL`, else the chat model).
 */

export interface RouteDeps {
  /** Asks the helper whether the model is ready; the real helper by default. */
  probe?: (helperPath: string) => Promise<AppleFmAvailability>;
  /**
   * Where Ollama is, for the privacy gate (the Brain's allowed hosts); by default a loopback
   * Ollama is `local` and any other host is refused.
   */
  ollamaDestination?: () => Destination;
  /** The fetch the Ollama adapter uses (tests reach a fake server under a remote host's name). */
  ollamaFetch?: typeof fetch;
}

const APPLE_FM: Destination = { class: "local", road: "apple-fm", name: "Apple Foundation Models" };

/**
 * Picks the structured model for this configuration.
 *
 * @example
 * const { model, reason, destination } = await chooseStructuredModel(brain.config);
 */
export async function chooseStructuredModel(
  config: BrainConfig,
  deps: RouteDeps = {},
): Promise<StructuredRoute> {
  const helper = config.appleFmHelper ?? null;
  const ollama = (reason: string): StructuredRoute => ollamaRoute(config, deps, reason);
  if (!helper) return ollama("no Apple Foundation Models helper is configured");
  if (!isExecutable(helper)) return ollama(`the Apple Foundation Models helper is not installed (${helper})`);
  const availability = await (deps.probe ?? probeAppleFm)(helper);
  if (!availability.available) {
    return ollama(`Apple Foundation Models is unavailable: ${availability.reason ?? "unknown"}`);
  }
  return {
    model: createAppleFmStructured({ helperPath: helper }),
    reason: `its helper at ${helper} reports it ready`,
    destination: () => APPLE_FM,
  };
}

/** Ollama's structured model; it may reach another machine only when the person allowed that host. */
function ollamaRoute(config: BrainConfig, deps: RouteDeps, reason: string): StructuredRoute {
  const destination = deps.ollamaDestination ?? (() => loopbackOnly(config.ollamaHost));
  let remoteAllowed = false;
  try {
    remoteAllowed = destination().class === "remote";
  } catch {
    // Refused: the adapter refuses too, and the gate stops every task before it sends anything.
  }
  const model = createOllamaStructured({
    host: config.ollamaHost,
    model: config.structuredModel ?? config.chatModel,
    remoteAllowed,
    fetch: deps.ollamaFetch,
  });
  return { model, reason, destination };
}

function loopbackOnly(url: string): Destination {
  if (!isLoopbackUrl(url)) throw remoteHostRefused(url);
  return { class: "local", road: "ollama", name: new URL(url).host };
}

/**
 * One line for `brain doctor`: which model structured tasks use, why, and where memory text goes.
 *
 * @example
 * const check = structuredCheck(await brain.structured()); // { name: "structured tasks", status: "ok", … }
 */
export function structuredCheck(route: StructuredRoute): {
  name: string;
  status: "ok" | "warn";
  detail: string;
  fix?: string;
} {
  const reach = routeReach(route);
  const detail = `${describeModel(route.model)} (${route.reason})${reach.note ? `; ${reach.note}` : ""}`;
  if (reach.class !== "refused") return { name: "structured tasks", status: "ok", detail };
  return { name: "structured tasks", status: "warn", detail, ...(reach.fix ? { fix: reach.fix } : {}) };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
