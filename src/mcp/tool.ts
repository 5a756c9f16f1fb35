import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
  ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { z } from "zod";
import type { Egress } from "../core/privacy/index.ts";
import { MAX_ENTRY_BYTES } from "../core/store/index.ts";
export { entryId, kind, limit, tag, time } from "../core/agent/index.ts";
import type { ToolContext } from "./context.ts";
import { isReleased, openEgress, release } from "./gate.ts";
import { failure, toolError } from "./results.ts";

/** What every tool gets besides its arguments. */
export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** One tool: its schema, its annotations, how to call it (shown with every input error) and its body. */
export interface ToolSpec<Shape extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: Shape;
  annotations: ToolAnnotations;
  /** The next step after a wrong call, e.g. `Call it like {"id": 42}.` */
  usage: string;
  /**
   * The body. `out` is this call's egress through the privacy gate: memories pass it, and the
   * result must be made with `reply(out, …)` (gate.ts), or the call is refused.
   */
  run(
    args: z.infer<z.ZodObject<Shape>>,
    extra: ToolExtra,
    out: Egress,
  ): CallToolResult | Promise<CallToolResult>;
}

/** A tool with its argument types erased, so tools of different shapes fit in one list. */
export type AnyTool = Omit<ToolSpec<z.ZodRawShape>, "run"> & {
  run(args: unknown, extra: ToolExtra, out: Egress): CallToolResult | Promise<CallToolResult>;
};

/**
 * Checks a tool's body against its schema, then erases the argument types.
 *
 * @example
 * const get = defineTool({ name: "get", input: { id: entryId }, run: (args) => ..., ... });
 */
export function defineTool<Shape extends z.ZodRawShape>(spec: ToolSpec<Shape>): AnyTool {
  return spec as unknown as AnyTool;
}

/**
 * Registers a tool whose failures become tool errors (one sentence and the next step) instead of
 * protocol errors. Each call gets its own egress through the privacy gate; a result that did not
 * pass it is never sent (the defect is logged and the client gets an error).
 *
 * @example
 * addTool(ctx, defineTool({ name: "get", input: { id: entryId }, ... }));
 */
export function addTool(ctx: ToolContext, spec: AnyTool): void {
  const run = spec.run;
  ctx.server.registerTool(
    spec.name,
    {
      title: spec.title,
      description: spec.description,
      inputSchema: spec.input,
      annotations: { title: spec.title, openWorldHint: false, ...spec.annotations },
    },
    (async (args: unknown, extra: ToolExtra) => {
      const out = openEgress(ctx, `${spec.name} ${JSON.stringify(args ?? {})}`);
      try {
        const result = await run(args, extra, out);
        if (isReleased(result)) return result;
        ctx.log(`${spec.name} built its result without the privacy gate; nothing was sent`);
        return release(out, toolError(`Local Brain could not finish ${spec.name}. Try again later.`));
      } catch (err) {
        return release(out, failure(err, spec.name, spec.usage, ctx.log));
      }
    }) as never,
  );
}

/** The annotations of a tool that only reads. */
export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
};

// Argument schemas (the read-only tools' are shared with the agent loop, core/agent/tool-specs.ts).
// Each message completes "`name` ..." in an input error.

/** A memory's text, at most 10 MB (checked again in UTF-8 bytes by the core). */
export const memoryText = z
  .string({ error: "must be the memory's text, a non-empty string" })
  .min(1, { error: "must be the memory's text, a non-empty string" })
  .max(MAX_ENTRY_BYTES, { error: "is over 10 MB, the most one memory holds; split it into several memories" })
  .describe("What to remember, in plain words. #tags, @people and [[links]] in the text are picked up.");

/** A short string field such as a key or a source. */
export function shortText(what: string, max = 200) {
  return z
    .string({ error: `must be ${what}, a string` })
    .min(1, { error: `must be ${what}, a non-empty string` })
    .max(max, { error: `must be ${what} of at most ${max} characters` });
}
