import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Destination, Egress } from "../core/privacy/index.ts";
import { noted } from "./answers.ts";
import type { ToolContext } from "./context.ts";

/**
 * The MCP server's side of the privacy gate. An MCP client is an `assistant` destination: every
 * tool result and resource read is built from one {@link Egress} (opened per call by `addTool` and
 * the resource registrations), which holds back #private memories and writes one ledger row per
 * call. A result not made by {@link reply} or {@link release} is refused by `addTool`, so a tool
 * that skips the gate cannot return anything.
 */

/** The client as the ledger names it: `name version` from its `initialize`. */
export function mcpDestination(ctx: ToolContext): Destination {
  const client = ctx.server.server.getClientVersion();
  const name = client ? `${client.name} ${client.version}` : "unknown MCP client";
  return { class: "assistant", road: "mcp", name, includePrivate: ctx.includePrivate === true };
}

/** Opens the egress of one call. The ledger write never fails or stalls the call (`queue`). */
export function openEgress(ctx: ToolContext, subject: string): Egress {
  return ctx.brain.egress.open(mcpDestination(ctx), subject.slice(0, 300), {
    queue: true,
    note: ctx.includePrivate ? "private included (brain mcp --include-private)" : undefined,
  });
}

const released = new WeakSet<object>();

/**
 * Records `payload` in the ledger (its JSON size) and marks it as having passed the gate. Call it
 * last, with exactly what is returned to the client.
 */
export function release<T extends object>(out: Egress, payload: T): T {
  out.send(Buffer.byteLength(JSON.stringify(payload), "utf8"));
  released.add(payload);
  return payload;
}

/** True when `payload` was made by {@link release}. */
export function isReleased(payload: unknown): boolean {
  return typeof payload === "object" && payload !== null && released.has(payload);
}

/**
 * A successful tool result through the gate: text for the model, the same data as fields, and the
 * count of private memories held back (a line in the text, `withheld` in the data).
 */
export function reply(out: Egress, text: string, structured?: Record<string, unknown>): CallToolResult {
  const lines = noted(out, text);
  const data = structured && out.withheld > 0 ? { ...structured, withheld: out.withheld } : structured;
  return release(out, {
    content: [{ type: "text", text: lines }],
    ...(data ? { structuredContent: data } : {}),
  });
}
