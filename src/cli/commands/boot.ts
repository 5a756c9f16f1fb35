import { bootMarkdown } from "../../core/graph/index.ts";
import { withheldNotice } from "../../core/privacy/index.ts";
import type { CliCommand } from "../command.ts";

/**
 * The context an assistant loads: what `brain boot` prints is meant for one (a session-start hook
 * hands it to whatever model the assistant runs on), so it is that assistant's road through the
 * privacy gate, as MCP's `brain://boot` is: #private memories and topics only they link to are
 * withheld (counted in the last line) unless `--include-private`, and each print is a ledger row.
 */
export const boot: CliCommand = {
  name: "boot",
  summary:
    "Print the context an assistant loads at the start of a session (Markdown, or --json); #private withheld",
  usage: "boot [--include-private]",
  args: { min: 0, max: 0 },
  options: { "include-private": { type: "boolean" } },
  run(ctx) {
    const brain = ctx.brain();
    const includePrivate = ctx.flags["include-private"] === true;
    const out = brain.egress.open(
      { class: "assistant", road: "boot", name: "brain boot", includePrivate },
      "boot",
      includePrivate ? { note: "private included (brain boot --include-private)" } : {},
    );
    const context = brain.screen.boot(out, brain.boot());
    const held = out.withheld ? `\n\n${withheldNotice(out.withheld)}` : "";
    const value = { ...context, withheld: out.withheld };
    const markdown = bootMarkdown(context).trimEnd() + held;
    out.send(Buffer.byteLength(ctx.json ? JSON.stringify(value) : markdown));
    ctx.print(value, markdown);
  },
};
