import type { RelatedItem, RelatedResult } from "../../core/graph/index.ts";
import { intFlag, type CliCommand } from "../command.ts";
import { entryLine } from "../format.ts";

export const related: CliCommand = {
  name: "related",
  summary: "Show what a memory, #tag, @person or [[Title]] is linked to, and why",
  usage: "related ID|'#tag'|@person|'[[Title]]'|URL [--depth N] [--limit N]",
  options: {
    depth: { type: "string", short: "d" },
    limit: { type: "string", short: "n" },
  },
  args: { min: 1, max: 1 },
  run(ctx) {
    const result = ctx.brain().related(ctx.args[0]!, {
      depth: intFlag(ctx.flags, "depth"),
      limit: intFlag(ctx.flags, "limit"),
    });
    ctx.print(result, () => relatedText(result));
  },
};

/** The start, then one block per neighbour: what it is, and why it is linked. */
export function relatedText(result: RelatedResult): string {
  const { start } = result;
  const head = start.entry
    ? entryLine(start.entry)
    : `${start.label}  (${start.node?.entries ?? 0} ${start.node?.entries === 1 ? "memory" : "memories"})`;
  if (result.items.length === 0) return `${head}\n\nNothing is linked to it yet.`;
  return [head, "", ...result.items.map(itemText)].join("\n");
}

function itemText(item: RelatedItem): string {
  const what = item.entry
    ? entryLine(item.entry)
    : `        ${item.node!.label}  (${item.node!.entries} ${item.node!.entries === 1 ? "memory" : "memories"})`;
  const via = item.via.length ? `  via ${item.via.join(" → ")}` : "";
  return `${what}\n        ${item.reason}${via}${item.depth > 1 ? `  (${item.depth} steps)` : ""}`;
}
