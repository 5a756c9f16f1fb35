import { assertKind, MAX_ENTRY_BYTES } from "../../core/store/index.ts";
import { BrainError } from "../../core/base/index.ts";
import { listFlag, stringFlag, type CliCommand, type CliContext } from "../command.ts";
import { entryLine } from "../format.ts";
import { readStdin } from "../io.ts";

/** The text from the command's word, or stdin for `-` or when something is piped in. */
export async function textArg(ctx: CliContext, word: string | undefined): Promise<string> {
  if (word === "-" || (word === undefined && ctx.io.stdin.isTTY !== true))
    return readStdin(ctx.io, MAX_ENTRY_BYTES);
  if (word === undefined) {
    throw new BrainError("bad_input", "There is no text to save.", {
      hint: 'Give it as an argument (`brain capture "text"`) or pipe it in (`echo text | brain capture -`).',
    });
  }
  return word;
}

export const capture: CliCommand = {
  name: "capture",
  summary: "Save a memory (TEXT, or - to read stdin)",
  usage: "capture TEXT|-  [--kind K] [--key KEY] [--tag T]... [--source S] [--at ISO-TIME] [--pin]",
  options: {
    kind: { type: "string", short: "k" },
    key: { type: "string" },
    tag: { type: "string", short: "t", multiple: true },
    source: { type: "string" },
    at: { type: "string" },
    pin: { type: "boolean" },
  },
  args: { min: 0, max: Infinity },
  async run(ctx) {
    const kindFlag = stringFlag(ctx.flags, "kind");
    // Unquoted words are one text: `brain capture buy milk` saves "buy milk".
    const text = await textArg(ctx, ctx.args.length ? ctx.args.join(" ") : undefined);
    const result = ctx.brain().entries.capture({
      text,
      kind: kindFlag === undefined ? undefined : assertKind(kindFlag),
      key: stringFlag(ctx.flags, "key"),
      tags: listFlag(ctx.flags, "tag"),
      source: stringFlag(ctx.flags, "source"),
      at: stringFlag(ctx.flags, "at"),
      pinned: ctx.flags.pin === true ? true : undefined,
    });
    if (result.status === "duplicate") {
      ctx.print(
        { ...result.entry, status: result.status, duplicate_of: result.entry.id },
        () => `already saved as entry ${result.entry.id}: ${entryLine(result.entry)}`,
      );
      return;
    }
    ctx.print(
      { ...result.entry, status: result.status },
      () => `${result.status}: ${entryLine(result.entry)}`,
    );
  },
};
