import { Clipboard, openExtensionPreferences, Toast } from "@raycast/api";
import { showFailureToast } from "@raycast/utils";
import { toBrainError, type BrainError } from "../core/base/index.ts";

/** Errors whose fix is in the extension's preferences (a path, a URL, a model, a key). */
const FIXED_IN_PREFERENCES = new Set<BrainError["code"]>([
  "not_a_database",
  "database_error",
  "secret_missing",
  "cloud_failed",
]);

/**
 * The one action that fixes `err`, for a failure toast: copy the command its hint names
 * (`ollama serve`, `npx brain jobs install`), open the extension's preferences, or retry.
 *
 * @example
 * fixAction(new BrainError("ollama_unreachable", "…", { hint: "Start Ollama: `ollama serve`." }));
 * // { title: "Copy `ollama serve`", onAction }
 */
export function fixAction(err: unknown, retry?: () => void): Toast.ActionOptions | undefined {
  const error = toBrainError(err);
  const command = /`([^`]+)`/.exec(error.hint ?? "")?.[1];
  if (command && !FIXED_IN_PREFERENCES.has(error.code)) {
    return { title: `Copy \`${command}\``, onAction: () => void Clipboard.copy(command) };
  }
  if (FIXED_IN_PREFERENCES.has(error.code)) {
    return { title: "Open Extension Preferences", onAction: () => void openExtensionPreferences() };
  }
  return retry ? { title: "Retry", onAction: retry } : undefined;
}

/**
 * A failure toast whose message carries the fix (the BrainError's hint) and whose action applies
 * it (see `fixAction`), so an error is something a person can act on rather than a crash.
 *
 * @example
 * try { await save(); } catch (err) { await showFailure("Could not save", err, save); }
 */
export async function showFailure(title: string, err: unknown, retry?: () => void): Promise<Toast> {
  const action = fixAction(err, retry);
  return showFailureToast(toBrainError(err), {
    title,
    message: toBrainError(err).sentence,
    ...(action ? { primaryAction: action } : {}),
  });
}

/** The message and fix of anything thrown, for an empty view or a detail. */
export function describeError(err: unknown): string {
  return toBrainError(err).sentence;
}
