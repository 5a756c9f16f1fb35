import { assertKind } from "../../core/store/index.ts";
import { intFlag, listFlag, parseId, stringFlag, type CliCommand } from "../command.ts";
import { entryBlock, entryLine } from "../format.ts";
import { textArg } from "./capture.ts";

export const get: CliCommand = {
  name: "get",
  summary: "Show one memory in full, with --history its earlier values",
  usage: "get ID [--history]",
  options: { history: { type: "boolean" } },
  args: { min: 1, max: 1 },
  run(ctx) {
    const brain = ctx.brain();
    const entry = brain.entries.get(parseId(ctx.args[0]));
    const history = ctx.flags.history ? brain.entries.history(entry.id) : undefined;
    ctx.print(history ? { ...entry, history } : entry, () => {
      // Kind and tags too: an edit may have changed only those, and the text alone would repeat.
      const was = (h: { kind: string; tags: string[] }) => [h.kind, ...h.tags.map((t) => `#${t}`)].join(" ");
      const past = (history ?? []).map((h) => `\n--- until ${h.valid_to} (${was(h)})\n${h.text}`).join("");
      return entryBlock(entry) + past;
    });
  },
};

export const list: CliCommand = {
  name: "list",
  summary: "List memories, newest first",
  usage: "list [--kind K] [--tag T] [--since ISO] [--until ISO] [--limit N]",
  options: {
    kind: { type: "string", short: "k" },
    tag: { type: "string", short: "t" },
    since: { type: "string" },
    until: { type: "string" },
    limit: { type: "string", short: "n" },
  },
  args: { min: 0, max: 0 },
  run(ctx) {
    const kind = stringFlag(ctx.flags, "kind");
    const entries = ctx.brain().entries.list({
      kind: kind === undefined ? undefined : assertKind(kind),
      tag: stringFlag(ctx.flags, "tag"),
      since: stringFlag(ctx.flags, "since"),
      until: stringFlag(ctx.flags, "until"),
      limit: intFlag(ctx.flags, "limit"),
    });
    ctx.print(entries, () =>
      entries.length ? entries.map((e) => entryLine(e)).join("\n") : "No memories match.",
    );
  },
};

export const edit: CliCommand = {
  name: "edit",
  summary: "Replace a memory's text (TEXT, or - to read stdin); the old text stays in its history",
  usage: "edit ID TEXT|-  [--kind K] [--tag T]... [--pin|--unpin]",
  options: {
    kind: { type: "string", short: "k" },
    tag: { type: "string", short: "t", multiple: true },
    pin: { type: "boolean" },
    unpin: { type: "boolean" },
  },
  args: { min: 1, max: Infinity },
  async run(ctx) {
    const id = parseId(ctx.args[0]);
    const kind = stringFlag(ctx.flags, "kind");
    const tags = listFlag(ctx.flags, "tag");
    const hasOtherChange = kind !== undefined || tags.length > 0 || ctx.flags.pin || ctx.flags.unpin;
    const words = ctx.args.length > 1 ? ctx.args.slice(1).join(" ") : undefined;
    const text = words === undefined && hasOtherChange ? undefined : await textArg(ctx, words);
    const entry = ctx.brain().entries.edit(id, {
      text,
      kind: kind === undefined ? undefined : assertKind(kind),
      tags: tags.length ? tags : undefined,
      pinned: ctx.flags.pin ? true : ctx.flags.unpin ? false : undefined,
    });
    ctx.print(entry, () => `edited: ${entryLine(entry)}`);
  },
};

export const del: CliCommand = {
  name: "delete",
  summary: "Delete a memory and its links",
  usage: "delete ID",
  args: { min: 1, max: 1 },
  run(ctx) {
    const entry = ctx.brain().entries.delete(parseId(ctx.args[0]));
    ctx.print({ deleted: entry }, () => `deleted: ${entryLine(entry)}`);
  },
};
