import type { EnrichOutcome } from "../../core/enrich/index.ts";
import { isBrainError } from "../../core/base/index.ts";
import type { EmbedReport } from "../../core/embed/index.ts";
import type { CliCommand, CliContext } from "../command.ts";
import { jsonLine, progressBar } from "../progress.ts";

export const embed: CliCommand = {
  name: "embed",
  summary: "One pass of the background embedder: vectors for new and changed memories",
  usage: "embed [--batch N] [--reset]",
  options: { batch: { type: "string" }, reset: { type: "boolean" } },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const tty = ctx.io.stderr.isTTY === true && !ctx.json;
    const logLines = !ctx.json && !tty;
    const bar = tty ? progressBar(ctx.io, "embedding") : null;
    const controller = new AbortController();
    const stop = () => controller.abort(new Error("interrupted"));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      const report = await ctx.brain().embed({
        signal: controller.signal,
        batchSize: ctx.flags.batch ? Number(ctx.flags.batch) : undefined,
        reset: ctx.flags.reset === true,
        onEvent: (event) => {
          if (logLines) jsonLine(ctx.io, event.event === "done" ? { event: "done", ...event.report } : event);
          else if (event.event === "progress") bar?.update(event.done, event.total);
        },
      });
      bar?.done();
      if (logLines && report.enrichment) jsonLine(ctx.io, { event: "enrich", ...report.enrichment });
      if (!logLines) ctx.print(report, () => humanReport(report));
      return exitStatus(ctx, report);
    } catch (err) {
      if (!isBrainError(err, "embedder_running")) throw err;
      if (logLines) jsonLine(ctx.io, { event: "skipped", reason: err.message });
      else ctx.print({ skipped: true, reason: err.message }, err.sentence);
      return 0;
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  },
};

/** The pass in a few lines: counts, the first errors, what enrichment did. */
function humanReport(report: EmbedReport): string {
  const head = `${report.model}: ${report.embedded} embedded, ${report.skipped} skipped (edited meanwhile), ${report.failed} failed, ${report.pending} pending`;
  return [
    ...(report.removed === undefined
      ? []
      : [`${report.model}: removed its ${report.removed} old vectors; every memory is embedded again`]),
    head,
    ...report.errors.slice(0, 5).map((e) => `  ${e.entry_id ? `entry ${e.entry_id}: ` : ""}${e.message}`),
    ...(report.enrichment ? [enrichmentLine(report.enrichment)] : []),
  ].join("\n");
}

/**
 * Non-zero when an error kept the pass (or the enrichment after it) from doing work it had to do;
 * the error that stopped the pass (the last one) goes to stderr as one line, as every command's
 * failure does.
 */
function exitStatus(ctx: CliContext, report: EmbedReport): number {
  const stopped = report.errors.length > 0 && report.embedded === 0 && report.pending > 0;
  const last = report.errors.at(-1);
  if (stopped && last) {
    const where = last.entry_id ? `entry ${last.entry_id}: ` : "";
    ctx.io.stderr.write(`brain: ${where}${last.message.replace(/\s*\n\s*/g, " ")}\n`);
  }
  return stopped || enrichmentStuck(report.enrichment) ? 1 : 0;
}

/** One line on what enrichment did after the pass. */
function enrichmentLine(outcome: EnrichOutcome): string {
  if ("skipped" in outcome) return `enrichment skipped: ${outcome.skipped}`;
  const head = `enrichment (${outcome.model}): ${outcome.enriched} entries looked at, ${outcome.suggestions} suggestions (${outcome.auto_accepted} accepted by your setting), ${outcome.pending} waiting`;
  const stopped = outcome.errors.find((e) => e.code !== "structured_invalid");
  return stopped ? `${head}\n  stopped: ${stopped.message}` : head;
}

/** Enrichment that had work waiting but was stopped by its model being unavailable. */
function enrichmentStuck(outcome: EnrichOutcome | undefined): boolean {
  if (!outcome || "skipped" in outcome) return false;
  return outcome.pending > 0 && outcome.errors.some((e) => e.code !== "structured_invalid");
}
