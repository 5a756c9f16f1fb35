import type { CallToolResult, JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { isBrainError, type BrainError } from "../core/base/index.ts";

/**
 * Tool results and tool errors. An error is always a result with `isError: true` and one sentence
 * that ends with the next step, so the model can correct its call; the server never crashes on one.
 */

/** Where the server writes what is not protocol: stderr. */
export type Log = (line: string) => void;

/** A tool error with one sentence (and the next step). */
export function toolError(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}

/** Core hints that name the `brain` command line; a model calling tools needs the tool's usage instead. */
export const CLI_HINT = /`brain |--[a-z]/;

/**
 * Turns anything a tool threw into a tool error. A BrainError keeps its message; its hint is kept
 * unless it speaks of the command line. Anything else is a defect: logged with its stack.
 *
 * @example
 * catch (err) { return failure(err, "remember", 'Call it like {"text": "..."}.', log); }
 */
export function failure(err: unknown, tool: string, usage: string, log: Log): CallToolResult {
  if (isBrainError(err)) return toolError(`${err.message} ${nextStep(err, usage)}`);
  log(`${tool} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  const message = err instanceof Error ? err.message : String(err);
  return toolError(
    `Local Brain could not finish ${tool}: ${message.replace(/\.?$/, ".")} ` +
      "Try again; if it keeps failing, run `brain status` in a terminal and see the server's log.",
  );
}

function nextStep(err: BrainError, usage: string): string {
  if (err.code === "not_found" && err.message.startsWith("There is no entry")) {
    return "Find ids with the `search` or `recent` tool.";
  }
  if (err.code === "too_large") return "Split it into several smaller memories.";
  if (err.hint && !CLI_HINT.test(err.hint)) return err.hint;
  return usage;
}

const VALIDATION =
  /^MCP error -32602: Input validation error: Invalid arguments for tool ([\w-]+): ([\s\S]*)$/;

/**
 * An outgoing filter that rewords the SDK's input validation errors ("MCP error -32602: Input
 * validation error: ...: expected string at text") into one sentence naming the argument, followed
 * by the tool's usage.
 *
 * @example
 * new GuardedStdioTransport(stdin, stdout, { filter: rewordValidation((tool) => usages[tool]) });
 */
export function rewordValidation(usageOf: (tool: string) => string | undefined) {
  return (message: JSONRPCMessage): JSONRPCMessage => {
    if (!("result" in message) || message.result.isError !== true) return message;
    const content = message.result.content as CallToolResult["content"] | undefined;
    const first = content?.[0];
    const match = first?.type === "text" && content?.length === 1 ? VALIDATION.exec(first.text) : null;
    if (!match) return message;
    const [, tool = "", details = ""] = match;
    const issues = details
      .split("\n")
      .map((issue) => issue.replace(/^(.*) at ([\w.[\]]+)$/, "`$2` $1").replace(/\.$/, ""))
      .join("; ");
    const usage = usageOf(tool) ?? "";
    const text = `Wrong arguments for ${tool}: ${issues}. ${usage}`.trim();
    return { ...message, result: { ...message.result, content: [{ type: "text", text }] } };
  };
}
