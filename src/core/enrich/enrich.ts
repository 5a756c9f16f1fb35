import type { Db } from "../db/index.ts";
import { keyCandidates, enrichRequest, readSuggestions, type EnrichContext } from "./prompt.ts";
import type { AutoAcceptField } from "./settings.ts";
import {
  countPendingEnrichment,
  pendingEnrichment,
  recordEnrichment,
  type EnrichCandidate,
  type NewSuggestion,
} from "./store.ts";
import { entryHash, recentKeyed, type EntryStore } from "../store/index.ts";
import { keyedNeighbours } from "../graph/index.ts";
import { isBrainError, toBrainError } from "../base/index.ts";
import { acceptSuggestion } from "./suggestions.ts";
import { describeModel, type StructuredModel } from "./structured.ts";
import {
  mayPass,
  requestOptions,
  settleWith,
  tagsInUseFor,
  type Destination,
  type EgressGate,
} from "../privacy/index.ts";

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
  /** #private entries not sent, because the model is not on this machine (they wait for one that is). */
  withheld: number;
  /** Still waiting after this pass (withheld entries included). */
  pending: number;
  errors: { entry_id?: number; code: string; message: string }[];
}

export interface EnrichDeps {
  db: Db;
  entries: EntryStore;
  model: StructuredModel;
  now: () => number;
  /** The privacy gate, and where the model is: every request passes the one, towards the other. */
  egress: EgressGate;
  destination: Destination;
}

export interface EnrichOptions {
  /** Entries looked at in one pass (default 25): the job runs every five minutes. */
  limit?: number;
  autoAccept?: readonly AutoAcceptField[];
  signal?: AbortSignal;
}

type Asked = { suggestions: NewSuggestion[]; invalid?: string } | "stop";

/**
 * Enriches up to `limit` waiting entries. For a model on another machine, #private entries (and
 * #private keyed memories offered as context) are held back by the gate and counted in `withheld`.
 *
 * @example
 * const report = await enrichPass({ db, entries, model, now: Date.now, egress, destination }, { autoAccept: ["kind"] });
 */
export async function enrichPass(deps: EnrichDeps, options: EnrichOptions = {}): Promise<EnrichReport> {
  const label = describeModel(deps.model);
  const report: EnrichReport = {
    model: label,
    ...{ enriched: 0, suggestions: 0, auto_accepted: 0, failed: 0, withheld: 0, pending: 0 },
    errors: [],
  };
  // A model on this machine is offered every tag, #private ones included: it reads #private entries
  // anyway, and suggesting #private for a sensitive note keeps that note home. A model elsewhere is
  // offered only what the entries it may read carry.
  const tags = tagsInUseFor(deps.db, deps.destination);
  for (const entry of sendable(deps, options.limit ?? 25, report)) {
    const asked = await ask(deps, entry, tags, report, options.signal);
    if (asked === "stop") break;
    const ids = write(deps, entry, { model: label, suggestions: asked.suggestions, error: asked.invalid });
    if (ids === null) continue; // Edited or deleted meanwhile: looked at again next pass.
    if (!asked.invalid) report.enriched++;
    report.suggestions += ids.length;
    report.auto_accepted += autoAccept(deps, ids, asked.suggestions, options.autoAccept ?? [], report);
  }
  report.pending = countPendingEnrichment(deps.db);
  return report;
}

/** The oldest waiting entries the destination may receive, up to `limit`; the others are counted. */
function sendable(deps: EnrichDeps, limit: number, report: EnrichReport): EnrichCandidate[] {
  const out: EnrichCandidate[] = [];
  for (let afterId = 0; out.length < limit; ) {
    const page = pendingEnrichment(deps.db, afterId, limit);
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    for (const entry of page) {
      if (!mayPass(deps.destination, entry)) report.withheld++;
      else if (out.length < limit) out.push(entry);
    }
  }
  return out;
}

/** One request through the gate; "stop" when the model cannot answer at all (nothing is recorded). */
async function ask(
  deps: EnrichDeps,
  entry: EnrichCandidate,
  tags: string[],
  report: EnrichReport,
  signal?: AbortSignal,
): Promise<Asked> {
  const out = deps.egress.open(deps.destination, `enrich entry ${entry.id}`);
  const candidates = keyCandidates(entry, keyedNeighbours(deps.db, entry.id, 4), recentKeyed(deps.db));
  out.pass([entry]);
  const context: EnrichContext = { tagsInUse: tags, keyed: out.pass(candidates) };
  const request = enrichRequest(entry, context);
  out.send(Buffer.byteLength(request.input, "utf8"));
  try {
    const value = await settleWith(out, deps.model.generate(request, requestOptions(out, signal)));
    return { suggestions: readSuggestions(entry, value, context) };
  } catch (err) {
    const error = toBrainError(err, "structured_unavailable");
    report.errors.push({ entry_id: entry.id, code: error.code, message: error.sentence });
    // Only an answer that stayed invalid is the entry's fault; anything else stops the pass.
    if (!isBrainError(error, "structured_invalid")) return "stop";
    report.failed++;
    return { suggestions: [], invalid: error.message };
  }
}

/** Stores the outcome unless the entry changed while the model was answering. */
function write(
  deps: EnrichDeps,
  entry: EnrichCandidate,
  outcome: { model: string; suggestions: NewSuggestion[]; error?: string },
): number[] | null {
  return deps.db
    .transaction(() => {
      if (entryHash(deps.db, entry.id) !== entry.hash) return null;
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
