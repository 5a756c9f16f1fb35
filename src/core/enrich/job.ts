import type { Db } from "../db/index.ts";
import { enrichPass, type EnrichReport } from "./enrich.ts";
import { readEnrichSettings } from "./settings.ts";
import type { EntryStore } from "../store/index.ts";
import { toBrainError } from "../base/index.ts";
import { describeModel, type StructuredRoute } from "./structured.ts";

/** What enrichment did after an embedding pass: a report, or why it did not run. */
export type EnrichOutcome = (EnrichReport & { route: string }) | { skipped: string };

export interface EnrichJobDeps {
  db: Db;
  entries: EntryStore;
  now: () => number;
  /** The structured model and why it was chosen (chooseStructuredModel, or a test double). */
  route: () => Promise<StructuredRoute>;
}

/**
 * The background job's enrichment, run after each embedding pass when the setting is on
 * (`brain enrich on`). Only a model on this machine enriches: memory text goes nowhere else.
 * Never throws: the embedding pass's report carries what happened.
 *
 * @example
 * const outcome = await enrichAfterEmbed({ db, entries, now, route }, signal);
 */
export async function enrichAfterEmbed(
  deps: EnrichJobDeps,
  signal?: AbortSignal,
): Promise<EnrichOutcome | undefined> {
  const settings = readEnrichSettings(deps.db);
  if (!settings.enabled || signal?.aborted) return undefined;
  try {
    const { model, reason } = await deps.route();
    if (!model.local) {
      return {
        skipped: `${describeModel(model)} is not on this machine, and memory text goes only to a model on this machine`,
      };
    }
    const report = await enrichPass(
      { db: deps.db, entries: deps.entries, model, now: deps.now },
      { autoAccept: settings.auto_accept, signal },
    );
    return { ...report, route: reason };
  } catch (err) {
    return { skipped: toBrainError(err).sentence };
  }
}
