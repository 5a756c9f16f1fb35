import type { Db } from "../db/index.ts";
import { getSuggestion, setSuggestionStatus, type Suggestion } from "./store.ts";
import type { Entry, EntryStore, Kind } from "../store/index.ts";
import { BrainError } from "../base/index.ts";

/**
 * Acting on enrichment suggestions. Accepting one is the only way a suggestion changes an entry,
 * through the entry store (so history and the graph follow); the entry's old value stays in its
 * history. Rejecting one only marks it.
 */

export interface SuggestionDeps {
  db: Db;
  entries: EntryStore;
  now: () => number;
}

export interface AcceptResult {
  suggestion: Suggestion;
  /** The entry as it is now (for a key: the keyed entry that took the new value). */
  entry: Entry;
  /** For a key: the entry that was folded into the keyed one and removed. */
  merged_from?: number;
}

/**
 * Applies a pending suggestion: a kind replaces `note`, tags are added, a title becomes the
 * entry's first line (`# Title`), and a key makes the entry the newest value of the keyed entry
 * (which keeps the old value in its history) and removes the duplicate. One transaction.
 *
 * @example
 * const { entry } = acceptSuggestion({ db, entries, now: Date.now }, 7);
 */
export function acceptSuggestion(
  deps: SuggestionDeps,
  id: number,
  status: "accepted" | "auto_accepted" = "accepted",
): AcceptResult {
  return deps.db
    .transaction(() => {
      const suggestion = pendingSuggestion(deps.db, id);
      const entry = deps.entries.get(suggestion.entry_id);
      setSuggestionStatus(deps.db, id, status, deps.now());
      const done = { ...suggestion, status };
      switch (suggestion.field) {
        case "kind":
          return { suggestion: done, entry: deps.entries.edit(entry.id, { kind: suggestion.value as Kind }) };
        case "tags":
          return {
            suggestion: done,
            entry: deps.entries.edit(entry.id, { tags: [...entry.tags, ...(suggestion.value as string[])] }),
          };
        case "title":
          return {
            suggestion: done,
            entry: deps.entries.edit(entry.id, { text: `# ${String(suggestion.value)}\n\n${entry.text}` }),
          };
        case "key":
          return { ...mergeIntoKeyed(deps, entry, suggestion), suggestion: done };
      }
    })
    .immediate();
}

/** Marks a pending suggestion rejected; the entry is left as it is. */
export function rejectSuggestion(deps: Pick<SuggestionDeps, "db" | "now">, id: number): Suggestion {
  return deps.db
    .transaction(() => {
      const suggestion = pendingSuggestion(deps.db, id);
      setSuggestionStatus(deps.db, id, "rejected", deps.now());
      return { ...suggestion, status: "rejected" as const };
    })
    .immediate();
}

function mergeIntoKeyed(
  deps: SuggestionDeps,
  entry: Entry,
  suggestion: Suggestion,
): Omit<AcceptResult, "suggestion"> {
  const key = String(suggestion.value);
  const keyed = deps.entries.getByKey(key);
  if (!keyed) {
    throw new BrainError("not_found", `No entry has the key "${key}" any more.`, {
      hint: `Reject this suggestion with \`brain reject ${suggestion.id}\`.`,
    });
  }
  const { entry: updated } = deps.entries.capture({
    text: entry.text,
    kind: keyed.kind,
    key,
    tags: entry.tags,
    source: entry.source,
  });
  deps.entries.delete(entry.id);
  return { entry: updated, merged_from: entry.id };
}

function pendingSuggestion(db: Db, id: number): Suggestion {
  const suggestion = getSuggestion(db, id);
  if (suggestion.status !== "pending") {
    throw new BrainError(
      "suggestion_decided",
      `Suggestion ${id} was already ${suggestion.status.replace("_", "-")}.`,
      {
        hint: "List the suggestions waiting with `brain suggestions`.",
      },
    );
  }
  return suggestion;
}
