import { assertKind } from "../../core/store/index.ts";
import { meaningSearchFailed, SEARCH_MODES } from "../../core/search/index.ts";
import { choiceFlag, intFlag, stringFlag, type CliCommand } from "../command.ts";
import { resultLines } from "../format.ts";

export const search: CliCommand = {
  name: "search",
  summary: "Find memories by keyword and meaning",
  usage:
    "search QUERY [--mode hybrid|keyword|semantic] [--limit N] [--kind K] [--tag T] [--since ISO] [--until ISO] [--prefix] [--graph]",
  options: {
    mode: { type: "string", short: "m" },
    limit: { type: "string", short: "n" },
    kind: { type: "string", short: "k" },
    tag: { type: "string", short: "t" },
    since: { type: "string" },
    until: { type: "string" },
    prefix: { type: "boolean" },
    graph: { type: "boolean", short: "g" },
  },
  args: { min: 1, max: Infinity },
  async run(ctx) {
    const kind = stringFlag(ctx.flags, "kind");
    const query = ctx.args.join(" ");
    const response = await ctx.brain().search(query, {
      mode: choiceFlag(ctx.flags, "mode", SEARCH_MODES),
      limit: intFlag(ctx.flags, "limit"),
      kind: kind === undefined ? undefined : assertKind(kind),
      tag: stringFlag(ctx.flags, "tag"),
      since: stringFlag(ctx.flags, "since"),
      until: stringFlag(ctx.flags, "until"),
      prefix: ctx.flags.prefix === true,
      graph: ctx.flags.graph === true,
    });
    const failed = meaningSearchFailed(response);
    if (failed) throw failed;
    for (const notice of response.notices) ctx.note(notice);
    const tty = ctx.io.stdout.isTTY === true;
    ctx.print(response, () => {
      const understood = response.understood ? [`understood: ${response.understood.summary}`] : [];
      const lines = response.results.length
        ? response.results.map((r) => resultLines(r, tty))
        : [`Nothing in your memory matches "${query}".`];
      return [...understood, ...lines].join("\n");
    });
  },
};
