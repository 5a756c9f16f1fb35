import type { CloudConsent, Destination } from "../privacy/index.ts";
import { BrainError } from "../base/index.ts";

/**
 * Where a question goes. Local always, unless the person enabled a cloud provider AND the question
 * needs it: `--route cloud`, or (`auto`) the memories found do not fit the local model's window.
 */

export const ASK_ROUTES = ["auto", "local", "cloud"] as const;
export type AskRoute = (typeof ASK_ROUTES)[number];

export interface RouteChoice {
  route: "local" | "cloud";
  /** Why the cloud was chosen, for a notice; absent for local. */
  reason?: string;
}

/** The refusal of `--route cloud` without consent, with the steps to give it. */
export function cloudNotAllowed(): BrainError {
  return new BrainError("cloud_not_allowed", "Asking a cloud model is not enabled, so nothing was sent.", {
    hint:
      "To allow it: `brain cloud enable anthropic`, then store the API key with `brain cloud set-key` " +
      "(it reads the key from stdin); `brain ledger` shows everything sent.",
  });
}

/**
 * Throws `cloud_not_allowed` at once when the cloud is asked for without consent, before anything
 * is searched or sent.
 *
 * @example
 * checkRouteAllowed("cloud", readCloudConsent(db)); // throws when no provider is enabled
 */
export function checkRouteAllowed(requested: AskRoute, consent: CloudConsent | null): void {
  if (requested === "cloud" && !consent) throw cloudNotAllowed();
}

/**
 * Picks the route for a question.
 *
 * @example
 * chooseRoute({ requested: "auto", consent: null, fitsLocal: false }) // { route: "local" }
 */
export function chooseRoute(input: {
  requested: AskRoute;
  consent: CloudConsent | null;
  fitsLocal: boolean;
  localWindow: number;
}): RouteChoice {
  const { requested, consent } = input;
  checkRouteAllowed(requested, consent);
  if (!consent || requested === "local") return { route: "local" };
  if (requested === "cloud") return { route: "cloud", reason: `Asked for the cloud: ${consent.model}.` };
  if (input.fitsLocal) return { route: "local" };
  return {
    route: "cloud",
    reason: `The memories found do not fit the local model's ${input.localWindow}-token window: asking ${consent.model} (cloud use is enabled).`,
  };
}

/** The gate's destination for the consented cloud model. */
export function cloudDestination(consent: CloudConsent): Destination {
  return { class: "cloud", road: "cloud", name: `${consent.provider} ${consent.model}` };
}
