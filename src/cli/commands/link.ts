import { BrainError } from "../../core/base/index.ts";
import { parseId, stringFlag, type CliCommand } from "../command.ts";

export const link: CliCommand = {
  name: "link",
  summary: "Link a memory to another memory (or a #tag, @person, [[Title]]); --remove to unlink",
  usage: "link FROM TO [--type manual] [--remove]",
  options: {
    type: { type: "string" },
    remove: { type: "boolean" },
  },
  args: { min: 2, max: 2 },
  run(ctx) {
    const type = stringFlag(ctx.flags, "type") ?? "manual";
    if (type !== "manual") {
      throw new BrainError("bad_input", `--type ${type} cannot be set by hand: only manual links can.`, {
        hint: "Mentions and references come from the text (#tags, @people, [[titles]], URLs, entry:ID); semantic links from `brain embed`.",
      });
    }
    const from = parseId(ctx.args[0], "FROM");
    const to = ctx.args[1]!;
    const remove = ctx.flags.remove === true;
    const changed = ctx.brain().link(from, to, { remove });
    const arrow = `entry:${from} → ${/^\d+$/.test(to) ? `entry:${to}` : to}`;
    const human = remove
      ? changed
        ? `unlinked ${arrow}`
        : `there was no manual link ${arrow}`
      : changed
        ? `linked ${arrow} (manual)`
        : `already linked: ${arrow}`;
    ctx.print({ from, to, type, removed: remove, changed }, human);
  },
};
