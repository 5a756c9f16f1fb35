import { ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { bootMarkdown } from "../core/graph/index.ts";
import { withheldNotice } from "../core/privacy/index.ts";
import { BrainError, isBrainError } from "../core/base/index.ts";
import { entryBlock, shorten } from "./format.ts";
import { openEgress, release } from "./gate.ts";
import type { ToolContext } from "./context.ts";

/** How many entries `resources/list` shows: the newest ones. The template reaches every entry. */
export const LISTED_ENTRIES = 50;

/** The URI of an entry, e.g. `brain://entry/42`. */
export function entryUri(id: number): string {
  return `brain://entry/${id}`;
}

/** Reads the id out of a `brain://entry/{id}` variable, refusing anything but a positive integer. */
function idFrom(value: string | string[] | undefined, uri: string): number {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || !/^\d{1,15}$/.test(raw) || Number(raw) < 1) {
    throw new BrainError("bad_input", `${uri} does not name an entry.`, {
      hint: "Entry URIs look like brain://entry/42.",
    });
  }
  return Number(raw);
}

/**
 * Registers every entry as a resource, `brain://entry/{id}` (plain text: its head line, where it
 * came from, the whole text). The list shows the newest {@link LISTED_ENTRIES}.
 *
 * @example
 * registerEntryResources(ctx); // a client reads brain://entry/42
 */
export function registerEntryResources(ctx: ToolContext): void {
  const { brain } = ctx;
  const template = new ResourceTemplate("brain://entry/{id}", {
    list: () => {
      const out = openEgress(ctx, "resources/list");
      const shown = out.pass(brain.entries.list({ limit: LISTED_ENTRIES }));
      return release(out, {
        resources: shown.map((entry) => ({
          uri: entryUri(entry.id),
          name: `entry ${entry.id}`,
          title: shorten(entry.text, 80),
          description: `${entry.kind}, ${entry.created_at.slice(0, 10)}${entry.tags.length ? `, #${entry.tags.join(" #")}` : ""}`,
          mimeType: "text/plain",
        })),
      });
    },
  });
  ctx.server.registerResource(
    "entry",
    template,
    {
      title: "A memory",
      description: "One memory by id: brain://entry/42.",
      mimeType: "text/plain",
    },
    (uri, variables) =>
      asResourceError(() => {
        const out = openEgress(ctx, `resources/read ${uri.href}`);
        const entry = brain.entries.get(idFrom(variables.id, uri.href));
        const text = out.pass([entry]).length
          ? entryBlock(entry)
          : `[${entry.id}] is a private memory: its text is withheld.`;
        return release(out, { contents: [{ uri: uri.href, mimeType: "text/plain", text }] });
      }),
  );
}

/** The URI of the boot context. */
export const BOOT_URI = "brain://boot";

/**
 * Registers `brain://boot`: the context an assistant loads at the start of a session (Markdown),
 * read fresh on every request.
 *
 * @example
 * registerBootResource(ctx); // a client reads brain://boot
 */
export function registerBootResource(ctx: ToolContext): void {
  ctx.server.registerResource(
    "boot",
    BOOT_URI,
    {
      title: "Memory context",
      description: "Pinned memories, facts and preferences, recent decisions, current state and main topics.",
      mimeType: "text/markdown",
    },
    (uri) =>
      asResourceError(() => {
        const out = openEgress(ctx, `resources/read ${uri.href}`);
        const context = ctx.brain.screen.boot(out, ctx.brain.boot());
        const held = out.withheld ? `\n${withheldNotice(out.withheld)}\n` : "";
        return release(out, {
          contents: [{ uri: uri.href, mimeType: "text/markdown", text: bootMarkdown(context) + held }],
        });
      }),
  );
}

/** MCP's code for a resource that does not exist. */
const RESOURCE_NOT_FOUND = -32002;

/** A JSON-RPC error the SDK sends as it is: its numeric `code` and its message. */
class ResourceError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Runs a resource read, turning a BrainError into a protocol error that keeps its hint (a resource
 * read has no `isError` result, unlike a tool call).
 */
export function asResourceError<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!isBrainError(err)) throw err;
    const code =
      err.code === "not_found"
        ? RESOURCE_NOT_FOUND
        : err.code === "bad_input"
          ? ErrorCode.InvalidParams
          : ErrorCode.InternalError;
    throw new ResourceError(
      code,
      err.code === "not_found"
        ? `${err.message} Find ids with the \`search\` or \`recent\` tool.`
        : err.sentence,
    );
  }
}
