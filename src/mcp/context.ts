import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Brain } from "../core/brain.ts";
import type { Log } from "./results.ts";

/** What every tool and resource of one MCP server works with. */
export interface ToolContext {
  brain: Brain;
  server: McpServer;
  log: Log;
  /** `brain mcp --include-private`: the person lets this client see #private memories. */
  includePrivate?: boolean;
}
