import type { Db } from "../db/index.ts";
import { enrichPass, type EnrichReport } from "./enrich.ts";
import { readEnrichSettings } from "./settings.ts";
import type { EntryStore } from "../store/index.ts";
import { toBrainError } from "../base/index.ts";
import type { StructuredRoute } from "./structured.ts";
import type { EgressGate } from "../privacy/index.ts";

/** What enrichment did after an embedding pass: a report, or why it did not run. */
export type EnrichOutcome = (EnrichReport & { route: string }) | { skipped: string };

export interface EnrichJobDeps {
  db: Db;
  entries: EntryStore;
  now: () => number;
  /** The structured model and why it was chosen (chooseStructuredModel, or a test double). */
  route: () => Promise<StructuredRoute>;
  /** The privacy gate every request to the model passes. */
  egress: EgressGate;
}

/**
 * The background job's enrichment, run after each embedding pass when the setting is on
 * (`brain enrich on`). Memory text goes to the model through the privacy gate: to a model on
 * another machine (an Ollama host the person allowed) without #private entries, recorded in the
 * ledger; to a host that was not allowed, nothing (the outcome says why). Never throws: the embedding pass's report carries what happened.
 *
 * @example
 * const outcome = await enrichAfterEmbed({ db, entries, now, route, egress }, signal);
 */
export async function enrichAfterEmbed(
  deps: EnrichJobDeps,
  signal?: AbortSignal,
): Promise<EnrichOutcome | undefined> {
  const settings = readEnrichSettings(deps.db);
  if (!settings.enabled || signal?.aborted) return undefined;
  try {
    const { model, reason, destination } = await deps.route();
    const report = await enrichPass(
      {
        db: deps.db,
        entries: deps.entries,
        model,
        now: deps.now,
        egress: deps.egress,
        destination: destination(),
      },
      { autoAccept: settings.auto_accept, signal },
    );
    return { ...report, route: reason };
  } catch (err) {
    return { skipped: toBrainError(err).sentence };
  }
}
