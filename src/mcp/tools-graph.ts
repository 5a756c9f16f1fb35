import { RELATED_TOOL } from "../core/agent/index.ts";
import { bootMarkdown, type BootContext } from "../core/graph/index.ts";
import { relatedAnswer } from "./answers.ts";
import { listed } from "./format.ts";
import { reply } from "./gate.ts";
import { defineTool, READ_ONLY, type AnyTool } from "./tool.ts";
import type { ToolContext } from "./context.ts";

/** `related` and `boot`: the graph around a memory, and the context for the start of a session. */

function relatedTool(ctx: ToolContext): AnyTool {
  return defineTool({
    ...RELATED_TOOL,
    annotations: READ_ONLY,
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
