import { z } from "zod";
import { GET_TOOL, RECENT_TOOL, SEARCH_TOOL } from "../core/agent/index.ts";
import { forgetAnswer, getAnswer, recentAnswer, rememberAnswer, searchAnswer } from "./answers.ts";
import { reply } from "./gate.ts";
import { defineTool, entryId, kind, memoryText, READ_ONLY, shortText, tag, type AnyTool } from "./tool.ts";
import type { ToolContext } from "./context.ts";

/**
 * The memory tools: remember, search, get, recent, forget. Each returns compact text with ids
 * for the model and the same data in `structuredContent`.
 */

function rememberTool(ctx: ToolContext): AnyTool {
  return defineTool({
    name: "remember",
    title: "Remember",
    description:
      "Save a memory to the person's local brain (shared with their Raycast, command line and other assistants). " +
      "Use kind 'decision', 'fact', 'preference' or 'state' when it is one; give a key (e.g. 'editor') for a fact " +
      "or preference that has one current value: saving the same key again replaces the value and keeps the old one in history.",
    input: {
      text: memoryText,
      kind: kind.optional().describe("note (default), fact, preference, decision or state."),
      key: shortText("a key such as editor").optional().describe("A stable name for a fact or preference."),
      tags: z.array(tag, { error: 'must be a list of tags such as ["billing"]' }).max(50).optional(),
      source: shortText("where the memory came from")
        .optional()
        .describe("Where it came from; the client's name by default."),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    usage: 'Call it like {"text": "we chose Postgres for billing #billing", "kind": "decision"}.',
    run: (args, _extra, out) => {
      const client = ctx.server.server.getClientVersion()?.name;
      const source = args.source ?? `mcp${client ? `:${client}` : ""}`;
      const { text, data } = rememberAnswer(ctx.brain, out, { ...args, source });
      return reply(out, text, data);
    },
  });
}

function searchTool(ctx: ToolContext): AnyTool {
  return defineTool({
    ...SEARCH_TOOL,
    annotations: READ_ONLY,
    run: async (args, _extra, out) => {
      const { text, data } = await searchAnswer(ctx.brain, out, args.query, args);
      return reply(out, text, data);
    },
  });
}

function getTool(ctx: ToolContext): AnyTool {
  return defineTool({
    ...GET_TOOL,
    annotations: READ_ONLY,
    run: (args, _extra, out) => {
      const { text, data } = getAnswer(ctx.brain, out, args.id);
      return reply(out, text, data);
    },
  });
}

function recentTool(ctx: ToolContext): AnyTool {
  return defineTool({
    ...RECENT_TOOL,
    annotations: READ_ONLY,
    run: (args, _extra, out) => {
      const { text, data } = recentAnswer(ctx.brain, out, args);
      return reply(out, text, data);
    },
  });
}

function forgetTool(ctx: ToolContext): AnyTool {
  return defineTool({
    name: "forget",
    title: "Forget a memory",
    description: "Delete the memory with this id, for good. Only when the person asks to forget it.",
    input: { id: entryId },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    usage: 'Call it like {"id": 42}; find the id with search or recent first.',
    run: (args, _extra, out) => {
      const { text, data } = forgetAnswer(ctx.brain, out, args.id);
      return reply(out, text, data);
    },
  });
}

/** The memory tools: remember, search, get, recent, forget. */
export function memoryTools(ctx: ToolContext): AnyTool[] {
  return [rememberTool(ctx), searchTool(ctx), getTool(ctx), recentTool(ctx), forgetTool(ctx)];
}
