import type { Readable, Writable } from "node:stream";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Brain } from "../core/brain.ts";
import { registerBootResource, registerEntryResources } from "./resources.ts";
import { rewordValidation, type Log } from "./results.ts";
import { addTool } from "./tool.ts";
import type { ToolContext } from "./context.ts";
import { askTool } from "./tools-ask.ts";
import { graphTools } from "./tools-graph.ts";
import { memoryTools } from "./tools.ts";
import { GuardedStdioTransport } from "./transport.ts";

export const SERVER_NAME = "local-brain";

const INSTRUCTIONS =
  "Local Brain is the person's own memory, kept on their machine and shared with their other apps. " +
  "Search it before answering questions about their projects, decisions and preferences; remember " +
  "decisions, facts and preferences they state. Every memory has an id in [brackets].";

export interface BrainMcpServer {
  server: McpServer;
  /** Each tool's usage line, by tool name: the next step after a wrong call. */
  usages: Map<string, string>;
}

/**
 * Builds the MCP server on one Brain: the memory, graph and ask tools, the boot context and
 * the entry resources.
 *
 * @example
 * const { server } = createMcpServer(brain, { version: "0.1.0", log: (l) => process.stderr.write(`${l}\n`) });
 */
export function createMcpServer(
  brain: Brain,
  options: { version: string; log: Log; includePrivate?: boolean },
): BrainMcpServer {
  const server = new McpServer(
    { name: SERVER_NAME, title: "Local Brain", version: options.version },
    { instructions: INSTRUCTIONS, maxToolInputElements: 10_000 },
  );
  const ctx: ToolContext = { brain, server, log: options.log, includePrivate: options.includePrivate };
  const tools = [...memoryTools(ctx), ...graphTools(ctx), askTool(ctx)];
  for (const tool of tools) addTool(ctx, tool);
  const usages = new Map(tools.map((tool) => [tool.name, tool.usage]));
  registerBootResource(ctx);
  registerEntryResources(ctx);
  return { server, usages };
}

export interface McpIO {
  stdin: Readable;
  stdout: Writable;
  log: Log;
  /** `brain mcp --include-private`: this client may see #private memories (recorded in the ledger). */
  includePrivate?: boolean;
}

/**
 * Serves MCP on stdio until stdin ends or the process is asked to stop. Protocol messages are the
 * only thing written to `stdout`; everything else goes to `log` (stderr).
 *
 * @example
 * await serveStdio(brain, { stdin: process.stdin, stdout: process.stdout, log }, "0.1.0");
 */
export async function serveStdio(brain: Brain, io: McpIO, version: string): Promise<void> {
  const { server, usages } = createMcpServer(brain, {
    version,
    log: io.log,
    includePrivate: io.includePrivate,
  });
  const transport = new GuardedStdioTransport(io.stdin, io.stdout, {
    filter: rewordValidation((tool) => usages.get(tool)),
  });
  const closed = new Promise<void>((resolve) => (server.server.onclose = resolve));
  server.server.onerror = (err) => io.log(`protocol error: ${err.message}`);
  const stop = () => void server.close();
  process.once("SIGINT", stop).once("SIGTERM", stop);
  try {
    await server.connect(transport);
    io.log(`Local Brain MCP server on stdio, database ${brain.config.dbPath}`);
    await closed;
  } finally {
    process.off("SIGINT", stop).off("SIGTERM", stop);
    // Ledger rows that met another process's write lock were queued: write them before leaving.
    brain.egress.flush();
  }
}
