import type { LedgerRecord, RoadTotal } from "../../core/privacy/index.ts";
import { BrainError, parseTime } from "../../core/base/index.ts";
import { intFlag, stringFlag, type CliCommand } from "../command.ts";

export const ledger: CliCommand = {
  name: "ledger",
  summary:
    "Show everything that left this machine: when, which road (cloud, mcp, remote-ollama), to whom, which entries, the bytes",
  usage: "ledger [--since 7d|ISO-TIME] [--road cloud|mcp|remote-ollama] [--limit N]",
  options: { limit: { type: "string", short: "n" }, since: { type: "string" }, road: { type: "string" } },
  args: { min: 0, max: 0 },
  run(ctx) {
    const sinceFlag = stringFlag(ctx.flags, "since");
    const since = sinceFlag === undefined ? undefined : parseSince(sinceFlag, new Date());
    const road = stringFlag(ctx.flags, "road");
    const { ledger } = ctx.brain();
    const records = ledger.list({ since, road, limit: intFlag(ctx.flags, "limit") ?? 100 });
    const totals = ledger.totals(since);
    ctx.print({ calls: records, totals }, () =>
      records.length
        ? [...records.map(recordLines), totalsLines(totals)].join("\n\n")
        : `Nothing has left this machine${since ? ` since ${since.toISOString()}` : ""}.`,
    );
  },
};

/**
 * `7d`, `12h`, `30m` back from now, or an ISO time.
 *
 * @example
 * parseSince("7d", new Date("2026-03-08T00:00:00Z")) // 2026-03-01T00:00:00.000Z
 */
export function parseSince(value: string, now: Date): Date {
  const match = /^(\d+)\s*([dhm])$/i.exec(value.trim());
  if (!match) return new Date(parseTime(value, "--since"));
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2]!.toLowerCase() as "d" | "h" | "m"];
  const back = Number(match[1]) * unit;
  if (!Number.isSafeInteger(back)) {
    throw new BrainError("bad_input", `--since ${value} is too far back.`, {
      hint: "For example --since 7d.",
    });
  }
  return new Date(now.getTime() - back);
}

/** One egress: when, where, what happened, and exactly what left the machine. */
function recordLines(record: LedgerRecord): string {
  const entries = record.entry_ids.length ? record.entry_ids.map((id) => `#${id}`).join(" ") : "none";
  const held = record.withheld ? ` (${record.withheld} private withheld)` : "";
  return [
    `${record.at}  ${record.road}  ${record.destination}  ${record.outcome}  ${record.bytes} bytes`,
    `  for:      ${record.subject}`,
    `  entries:  ${entries}${held}`,
    ...(record.note ? [`  note:     ${record.note}`] : []),
  ].join("\n");
}

function totalsLines(totals: RoadTotal[]): string {
  const lines = totals.map(
    (t) =>
      `  ${t.road}: ${t.calls} ${t.calls === 1 ? "call" : "calls"}, ${t.bytes} bytes, ${t.entries} entries`,
  );
  return ["Total by road:", ...lines].join("\n");
}
