import { digestMarkdown } from "../../core/enrich/index.ts";
import { stringFlag, type CliCommand } from "../command.ts";

export const digest: CliCommand = {
  name: "digest",
  summary: "Summarise what you captured lately: decisions, open questions, people, topics, with entry ids",
  usage: "digest [--since 7d|24h|2w|ISO-TIME]",
  options: { since: { type: "string" } },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const controller = new AbortController();
    const stop = () => controller.abort(new Error("interrupted"));
    process.once("SIGINT", stop);
    try {
      const digest = await ctx
        .brain()
        .digest({ since: stringFlag(ctx.flags, "since"), signal: controller.signal });
      ctx.print(digest, () => digestMarkdown(digest));
    } finally {
      process.off("SIGINT", stop);
    }
  },
};
