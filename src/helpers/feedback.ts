import { showToast, Toast } from "@raycast/api";
import { toBrainError } from "../core/errors.ts";

/**
 * Turns anything thrown into a failure toast whose message carries the fix (the BrainError's
 * hint), so an error is something a person can act on rather than a crash.
 *
 * @example
 * try { await save(); } catch (err) { await showFailure("Could not save", err); }
 */
export async function showFailure(title: string, err: unknown): Promise<Toast> {
  return showToast({ style: Toast.Style.Failure, title, message: toBrainError(err).sentence });
}

/** The message and fix of anything thrown, for an empty view or a detail. */
export function describeError(err: unknown): string {
  return toBrainError(err).sentence;
}
