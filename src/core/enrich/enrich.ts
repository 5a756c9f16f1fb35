import type { Db } from "../db/index.ts";
import { keyCandidates, enrichRequest, readSuggestions, type EnrichContext } from "./prompt.ts";
import type { AutoAcceptField } from "./settings.ts";
import {
  countPendingEnrichment,
  currentHash,
  keyedNeighbours,
  pendingEnrichment,
  recentKeyed,
  recordEnrichment,
  tagsInUse,
  type EnrichCandidate,
  type NewSuggestion,
} from "./store.ts";
import type { EntryStore } from "../store/index.ts";
import { isBrainError, toBrainError } from "../base/index.ts";
import { acceptSuggestion } from "./suggestions.ts";
import { describeModel, type StructuredModel } from "./structured.ts";

/**
 * One enrichment pass, run by the background job after embedding: each entry captured without a
 * kind or without tags gets suggestions from the structured model, stored apart from the entry.
 * The model is asked outside any transaction; the suggestions are written in a short one that
 * re-checks the entry's text. When the model is down, the pass stops and records nothing for the
 * entry it was on, so the next run tries it again: nothing is lost.
 */

export interface EnrichReport {
  /** The model that answered, e.g. "Ollama qwen3:4b". */
  model: string;
  enriched: number;
  suggestions: number;
  auto_accepted: number;
  /** Entries whose answers stayed invalid: recorded, not retried. */
  failed: number;
  /** Still waiting after this pass. */
  pending: number;
  errors: { entry_id?: number; code: string; message: string }[];
}

export interface EnrichDeps {
  db: Db;
  entries: EntryStore;
  model: StructuredModel;
  now: () => number;
}

export interface EnrichOptions {
  /** Entries looked at in one pass (default 25): the job runs every five minutes. */
  limit?: number;
  autoAccept?: readonly AutoAcceptField[];
  signal?: AbortSignal;
}

/**
 * Enriches up to `limit` waiting entries.
 *
 * @example
 * const report = await enrichPass({ db, entries, model, now: Date.now }, { autoAccept: ["kind"] });
 */
export async function enrichPass(deps: EnrichDeps, options: EnrichOptions = {}): Promise<EnrichReport> {
  const label = describeModel(deps.model);
  const report: EnrichReport = {
    model: label,
    enriched: 0,
    suggestions: 0,
    auto_accepted: 0,
    failed: 0,
    pending: 0,
    errors: [],
  };
  const tags = tagsInUse(deps.db);
  for (const entry of pendingEnrichment(deps.db, 0, options.limit ?? 25)) {
    const context: EnrichContext = {
      tagsInUse: tags,
      keyed: keyCandidates(entry, keyedNeighbours(deps.db, entry.id, 4), recentKeyed(deps.db)),
    };
    let suggestions: NewSuggestion[];
    let invalid: string | undefined;
    try {
      const value = await deps.model.generate(enrichRequest(entry, context), { signal: options.signal });
      suggestions = readSuggestions(entry, value, context);
    } catch (err) {
      const error = toBrainError(err, "structured_unavailable");
      report.errors.push({ entry_id: entry.id, code: error.code, message: error.sentence });
      // Only an answer that stayed invalid is the entry's fault; anything else stops the pass.
      if (!isBrainError(error, "structured_invalid")) break;
      report.failed++;
      suggestions = [];
      invalid = error.message;
    }
    const ids = write(deps, entry, { model: label, suggestions, error: invalid });
    if (ids === null) continue; // Edited or deleted meanwhile: looked at again next pass.
    if (!invalid) report.enriched++;
    report.suggestions += ids.length;
    report.auto_accepted += autoAccept(deps, ids, suggestions, options.autoAccept ?? [], report);
  }
  report.pending = countPendingEnrichment(deps.db);
  return report;
}

/** Stores the outcome unless the entry changed while the model was answering. */
function write(
  deps: EnrichDeps,
  entry: EnrichCandidate,
  outcome: { model: string; suggestions: NewSuggestion[]; error?: string },
): number[] | null {
  return deps.db
    .transaction(() => {
      if (currentHash(deps.db, entry.id) !== entry.hash) return null;
      return recordEnrichment(deps.db, entry, { ...outcome, now: deps.now() });
    })
    .immediate();
}

/** Applies the suggestions the person chose to accept without asking; tags only when all are in use. */
function autoAccept(
  deps: EnrichDeps,
  ids: number[],
  suggestions: NewSuggestion[],
  fields: readonly AutoAcceptField[],
  report: EnrichReport,
): number {
  let accepted = 0;
  suggestions.forEach((s, i) => {
    const wanted = (fields as readonly string[]).includes(s.field);
    if (!wanted || (s.field === "tags" && (s.detail?.new_tags?.length ?? 0) > 0)) return;
    try {
      acceptSuggestion({ db: deps.db, entries: deps.entries, now: deps.now }, ids[i]!, "auto_accepted");
      accepted++;
    } catch (err) {
      const error = toBrainError(err);
      report.errors.push({ code: error.code, message: error.sentence });
    }
  });
  return accepted;
}
