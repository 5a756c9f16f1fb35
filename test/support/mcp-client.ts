import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { BRAIN_BIN, ROOT, cleanEnv } from "./cli.ts";

export interface McpSession {
  client: Client;
  /** The server's process id. */
  pid: number;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Calls a tool and returns its result (tool errors included; protocol errors throw). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/**
 * Spawns the real `brain mcp --db DB` with this Node and connects the SDK's own client to it.
 *
 * @example
 * const mcp = await startMcp(db);
 * const result = await mcp.call("search", { query: "postgres" });
 * await mcp.close();
 */
export async function startMcp(
  db: string,
  options: { env?: Record<string, string>; name?: string; args?: string[] } = {},
): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BRAIN_BIN, "mcp", "--db", db, ...(options.args ?? [])],
    cwd: ROOT,
    env: { ...cleanEnv(), ...options.env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const client = new Client({ name: options.name ?? "mcp-test", version: "1.0.0" });
  await client.connect(transport);
  return {
    client,
    pid: transport.pid!,
    stderr: () => stderr,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: () => client.close(),
  };
}

/** The text of a tool result's first content block. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  if (first?.type !== "text") throw new Error(`expected text content, got ${JSON.stringify(result.content)}`);
  return first.text;
}
