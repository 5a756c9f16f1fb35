import type { Brain } from "../../core/brain.ts";
import {
  AUTO_ACCEPT_FIELDS,
  parseAutoAccept,
  type Suggestion,
  describeModel,
  routeReach,
} from "../../core/enrich/index.ts";
import type { Entry } from "../../core/store/index.ts";
import { BrainError } from "../../core/base/index.ts";
import { intFlag, parseId, stringFlag, type CliCommand } from "../command.ts";

export const suggestions: CliCommand = {
  name: "suggestions",
  summary:
    "List what enrichment suggests for your entries (kind, tags, title, key), waiting for accept or reject",
  usage: "suggestions [--all] [--limit N]",
  options: { all: { type: "boolean" }, limit: { type: "string", short: "n" } },
  args: { min: 0, max: 0 },
  run(ctx) {
    const { suggestions: list, entries } = ctx.brain().enrichment.suggestions({
      all: ctx.flags.all === true,
      limit: intFlag(ctx.flags, "limit") ?? 100,
    });
    ctx.print({ suggestions: list }, () =>
      list.length === 0
        ? "No suggestions are waiting."
        : [
            ...list.map((s) => suggestionLines(s, entries.get(s.entry_id))),
            "",
            "Accept one with `brain accept ID`, reject it with `brain reject ID`.",
          ].join("\n"),
    );
  },
};

export const accept: CliCommand = {
  name: "accept",
  summary: "Apply a suggestion to its entry (the old value stays in the entry's history)",
  usage: "accept ID",
  args: { min: 1, max: 1 },
  run(ctx) {
    const result = ctx.brain().enrichment.accept(parseId(ctx.args[0], "ID"));
    ctx.print(result, () =>
      result.merged_from
        ? `Accepted: entry ${result.entry.id} (key ${String(result.suggestion.value)}) now holds the text of entry ${result.merged_from}, which was removed.`
        : `Accepted: entry ${result.entry.id} ${change(result.suggestion)}.`,
    );
  },
};

export const reject: CliCommand = {
  name: "reject",
  summary: "Dismiss a suggestion; its entry stays as it is",
  usage: "reject ID",
  args: { min: 1, max: 1 },
  run(ctx) {
    const suggestion = ctx.brain().enrichment.reject(parseId(ctx.args[0], "ID"));
    ctx.print({ suggestion }, `Rejected suggestion ${suggestion.id} for entry ${suggestion.entry_id}.`);
  },
};

export const enrich: CliCommand = {
  name: "enrich",
  summary:
    "Turn enrichment after embedding on or off, choose what is accepted without asking, show its state",
  usage: "enrich [on|off] [--auto-accept kind,tags|none]",
  options: { "auto-accept": { type: "string" } },
  args: { min: 0, max: 1 },
  async run(ctx) {
    const brain = ctx.brain();
    const word = ctx.args[0];
    if (word !== undefined && word !== "on" && word !== "off") {
      throw new BrainError("bad_input", `\`brain enrich ${word}\` is not a choice.`, {
        hint: "Use `brain enrich on`, `brain enrich off` or `brain enrich`.",
      });
    }
    const current = brain.enrichment.settings();
    const autoAccept = stringFlag(ctx.flags, "auto-accept");
    const settings = {
      enabled: word === undefined ? current.enabled : word === "on",
      auto_accept: autoAccept === undefined ? current.auto_accept : parseAutoAccept(autoAccept),
    };
    if (word !== undefined || autoAccept !== undefined) brain.enrichment.setSettings(settings);
    await printState(ctx.print, brain, settings);
  },
};

async function printState(
  print: (value: unknown, human: string) => void,
  brain: Brain,
  settings: { enabled: boolean; auto_accept: string[] },
): Promise<void> {
  const route = await brain.structured();
  const reach = routeReach(route);
  const pending = brain.enrichment.pending();
  const state = {
    ...settings,
    model: describeModel(route.model),
    destination: reach.class,
    route: route.reason,
    waiting: pending,
  };
  const accepted = settings.auto_accept.length
    ? settings.auto_accept.join(", ")
    : "nothing (every suggestion waits for you)";
  print(
    state,
    [
      `Enrichment is ${settings.enabled ? "on: `brain embed` and its background job suggest kinds, tags, titles and keys" : "off (`brain enrich on` turns it on)"}.`,
      `Accepted without asking: ${accepted}. Choices: ${AUTO_ACCEPT_FIELDS.join(", ")}.`,
      `Model: ${state.model} (${route.reason})${reach.note ? `; ${reach.note}` : "."}`,
      `${pending} ${pending === 1 ? "entry waits" : "entries wait"} to be looked at.`,
    ].join("\n"),
  );
}

function change(s: Suggestion): string {
  switch (s.field) {
    case "kind":
      return `is now a ${String(s.value)}`;
    case "tags":
      return `is tagged ${(s.value as string[]).map((t) => `#${t}`).join(" ")}`;
    case "title":
      return `is titled "${String(s.value)}"`;
    default:
      return `has key ${String(s.value)}`;
  }
}

function suggestionLines(s: Suggestion, entry: Entry | undefined): string {
  const what =
    s.field === "tags"
      ? `tags ${(s.value as string[]).map((t) => `#${t}`).join(" ")}${s.detail?.new_tags?.length ? ` (not yet in use: ${s.detail.new_tags.map((t) => `#${t}`).join(" ")})` : ""}`
      : s.field === "key"
        ? `an update to key "${String(s.value)}" (entry ${s.detail?.entry_id ?? "?"})`
        : `${s.field} ${s.field === "title" ? `"${String(s.value)}"` : String(s.value)}`;
  const status = s.status === "pending" ? "" : `  [${s.status.replace("_", "-")}]`;
  const preview = entry ? entry.text.split("\n", 1)[0]!.slice(0, 70) : "(entry removed)";
  return `${String(s.id).padStart(4)}  entry ${s.entry_id}: ${what}${status}\n        ${preview}`;
}
