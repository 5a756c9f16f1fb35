import { BrainError } from "../../core/base/index.ts";
import { intFlag, parseId, type CliCommand } from "../command.ts";
import { entryLine } from "../format.ts";

export const duplicates: CliCommand = {
  name: "duplicates",
  summary: "List memories that say the same, and keyless facts that look like a new value; merge a pair",
  usage: "duplicates [--limit N] | duplicates merge KEEP OTHER",
  options: { limit: { type: "string", short: "n" } },
  args: { min: 0, max: 3 },
  run(ctx) {
    const brain = ctx.brain();
    if (ctx.args[0] === "merge") {
      const keep = parseId(ctx.args[1], "KEEP");
      const other = parseId(ctx.args[2], "OTHER");
      const merged = brain.mergeDuplicate(keep, other);
      ctx.print(
        { merged: merged, removed: other },
        `merged entry ${other} into ${keep} (its text is in \`brain get ${keep} --history\`): ${entryLine(merged)}`,
      );
      return;
    }
    if (ctx.args.length > 0) {
      throw new BrainError("bad_input", `Unknown duplicates command "${ctx.args[0]}".`, {
        hint: "Use `brain duplicates` to list them or `brain duplicates merge KEEP OTHER`.",
      });
    }
    const limit = intFlag(ctx.flags, "limit") ?? 50;
    const { pairs, proposals } = brain.duplicates(limit);
    ctx.print({ duplicates: pairs, proposals }, () => {
      const lines = pairs.length
        ? pairs.map(
            (p) =>
              `${p.similarity.toFixed(2)}  ${entryLine(p.entry)}\n      same as ${entryLine(p.of).trim()}`,
          )
        : ["No near duplicates (`brain embed` finds them)."];
      if (pairs.length) lines.push("", "Merge one with `brain duplicates merge KEEP OTHER`.");
      for (const p of proposals) {
        lines.push(
          "",
          `entry ${p.entry.id} looks like a new value of "${p.keyed.key}" (entry ${p.keyed.id}, ${p.similarity.toFixed(2)}):`,
          `      brain capture "${p.entry.text.split("\n")[0]}" --kind ${p.keyed.kind} --key ${p.keyed.key}`,
        );
      }
      return lines.join("\n");
    });
  },
};
