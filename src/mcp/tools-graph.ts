import { z } from "zod";
import { bootMarkdown, type BootContext } from "../core/graph/index.ts";
import { relatedAnswer } from "./answers.ts";
import { listed } from "./format.ts";
import { reply } from "./gate.ts";
import { defineTool, limit, READ_ONLY, type AnyTool } from "./tool.ts";
import type { ToolContext } from "./context.ts";

/** `related` and `boot`: the graph around a memory, and the context for the start of a session. */

const TARGET_ERROR = "must be an entry id such as 42, or a #tag, @person, [[Title]] or URL";

function relatedTool(ctx: ToolContext): AnyTool {
  return defineTool({
    name: "related",
    title: "Related memories",
    description:
      "Memories and topics linked to an entry id, a #tag, an @person, a [[Title]] or a URL, through tags, " +
      "mentions, links and similar meaning, each with why it is linked.",
    input: {
      target: z
        .union([z.int().min(1), z.string().min(1).max(2000)], { error: TARGET_ERROR })
        .describe("An entry id (42), or '#billing', '@maria', '[[Billing v2]]', or a URL."),
      depth: z
        .int({ error: "must be a whole number from 1 to 4" })
        .min(1, { error: "must be a whole number from 1 to 4" })
        .max(4, { error: "must be a whole number from 1 to 4" })
        .optional()
        .describe(
          "How many steps to follow, 2 when not given (an entry, its tags and people, their other entries).",
        ),
      limit: limit(100, 20).optional(),
    },
    annotations: READ_ONLY,
    usage: 'Call it like {"target": 42}, {"target": "#billing"} or {"target": "@maria", "depth": 2}.',
    run: (args, _extra, out) => {
      const { text, data } = relatedAnswer(ctx.brain, out, args.target, args);
      return reply(out, text, data);
    },
  });
}

/** The boot context as structured data: counts, topics, and the listed entries. */
export function bootData(context: BootContext) {
  return {
    generated_at: context.generated_at,
    counts: context.counts,
    pinned: context.pinned.map(listed),
    facts: context.facts.map(listed),
    decisions: context.decisions.map(listed),
    state: context.state.map(listed),
    topics: context.topics,
  };
}

function bootTool(ctx: ToolContext): AnyTool {
  return defineTool({
    name: "boot",
    title: "Load memory context",
    description:
      "Call at the start of a conversation: what the person has pinned, their facts and preferences, recent " +
      "decisions, current state and most-linked topics, as Markdown. Each memory ends with (entry:ID).",
    input: {},
    annotations: READ_ONLY,
    usage: "Call it with no arguments: {}.",
    run: (_args, _extra, out) => {
      const context = ctx.brain.screen.boot(out, ctx.brain.boot());
      return reply(out, bootMarkdown(context), bootData(context));
    },
  });
}

/** The graph tools: related and boot. */
export function graphTools(ctx: ToolContext): AnyTool[] {
  return [relatedTool(ctx), bootTool(ctx)];
}
