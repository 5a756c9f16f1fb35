import { BrainError } from "../base/index.ts";
import type { SearchResponse } from "./search.ts";

/** What a person can do while meaning search cannot run. */
const MEANWHILE = "Keyword and hybrid search work meanwhile.";

/**
 * The error to give instead of results when meaning search was all that was asked for (`mode:
 * "semantic"`) and could not run: an empty list would say nothing matches when nothing was
 * searched. Null otherwise (hybrid falls back to keywords and says so in a notice).
 *
 * @example
 * const failed = meaningSearchFailed(response); if (failed) throw failed;
 */
export function meaningSearchFailed(response: SearchResponse): BrainError | null {
  const why = response.mode === "semantic" ? response.meaningUnavailable : undefined;
  return why ? new BrainError(why.code, why.message, { hint: MEANWHILE }) : null;
}
