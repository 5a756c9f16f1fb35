import { bootMarkdown } from "../../core/graph/index.ts";
import type { CliCommand } from "../command.ts";

export const boot: CliCommand = {
  name: "boot",
  summary: "Print the context an assistant loads at the start of a session (Markdown, or --json)",
  usage: "boot",
  args: { min: 0, max: 0 },
  run(ctx) {
    const context = ctx.brain().boot();
    ctx.print(context, () => bootMarkdown(context).trimEnd());
  },
};
