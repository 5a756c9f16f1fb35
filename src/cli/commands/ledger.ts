import { listLedger, type LedgerRecord } from "../../core/ask-ledger.ts";
import { intFlag, type CliCommand } from "../command.ts";

export const ledger: CliCommand = {
  name: "ledger",
  summary: "Show what was sent to a cloud model: when, to which model, the question, the entries, the bytes",
  usage: "ledger [--limit N]",
  options: { limit: { type: "string", short: "n" } },
  args: { min: 0, max: 0 },
  run(ctx) {
    const records = listLedger(ctx.brain().db, { limit: intFlag(ctx.flags, "limit") ?? 100 });
    ctx.print({ calls: records }, () =>
      records.length
        ? records.map(recordLines).join("\n\n")
        : "Nothing has been sent to a cloud model from this brain.",
    );
  },
};

/** One call: when, where, what happened, and exactly what left the machine. */
function recordLines(record: LedgerRecord): string {
  const entries = record.entry_ids.length ? record.entry_ids.map((id) => `#${id}`).join(" ") : "none";
  return [
    `${record.at}  ${record.provider} ${record.model}  ${record.outcome}  ${record.bytes} bytes`,
    `  question: ${record.question}`,
    `  entries:  ${entries}`,
  ].join("\n");
}
