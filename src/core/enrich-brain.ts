import {
  acceptSuggestion,
  countPendingEnrichment,
  listSuggestions,
  readEnrichSettings,
  rejectSuggestion,
  writeEnrichSettings,
  type AcceptResult,
  type EnrichSettings,
  type Suggestion,
} from "./enrich/index.ts";
import { entriesById, type Entry } from "./store/index.ts";
import type { BrainParts } from "./brain-parts.ts";

/** What enrichment suggests for entries, the person's answers, and its settings. */
export interface EnrichmentBrain {
  /** Pending suggestions (or all with `all`), with the entries they are for. */
  suggestions(options?: { all?: boolean; limit?: number }): {
    suggestions: Suggestion[];
    entries: Map<number, Entry>;
  };
  /** Applies a pending suggestion to its entry (the old value stays in its history). */
  accept(id: number): AcceptResult;
  /** Dismisses a pending suggestion; its entry stays as it is. */
  reject(id: number): Suggestion;
  /** Whether enrichment runs after embedding, and what is accepted without asking. */
  settings(): EnrichSettings;
  setSettings(settings: EnrichSettings): void;
  /** How many entries wait to be looked at. */
  pending(): number;
}

/**
 * The enrichment part of a Brain, over the parts opened on first use.
 *
 * @example
 * const { suggestions } = enrichmentBrain(() => parts).suggestions({ limit: 10 });
 */
export function enrichmentBrain(open: () => BrainParts): EnrichmentBrain {
  const deps = () => {
    const { db, entries, clock } = open();
    return { db, entries, now: () => clock.now().getTime() };
  };
  return {
    suggestions: (options = {}) => {
      const { db } = open();
      const suggestions = listSuggestions(db, options);
      return { suggestions, entries: entriesById(db, [...new Set(suggestions.map((s) => s.entry_id))]) };
    },
    accept: (id) => acceptSuggestion(deps(), id),
    reject: (id) => rejectSuggestion(deps(), id),
    settings: () => readEnrichSettings(open().db),
    setSettings: (settings) => writeEnrichSettings(open().db, settings),
    pending: () => countPendingEnrichment(open().db),
  };
}
