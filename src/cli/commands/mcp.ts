import { serveStdio } from "../../mcp/server.ts";
import type { CliCommand } from "../command.ts";
import { brainVersion } from "../version.ts";

/**
 * `brain mcp`: the MCP server on stdio, for Claude Desktop, Claude Code and any MCP client. It
 * opens the brain once and serves until the client closes stdin. Stdout carries protocol only:
 * console output is sent to stderr for as long as it runs.
 */
export const mcp: CliCommand = {
  name: "mcp",
  summary: "Serve your memory to MCP clients (Claude Desktop, Claude Code) on stdio",
  usage: "mcp [--include-private]",
  options: { "include-private": { type: "boolean" } },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const log = (line: string) => void ctx.io.stderr.write(`brain mcp: ${line}\n`);
    const brain = ctx.brain();
    if (ctx.flags["include-private"] === true) {
      log("--include-private: this client sees #private memories; every call is in `brain ledger`");
    }
    const restore = consoleToStderr();
    try {
      await serveStdio(
        brain,
        {
          stdin: ctx.io.stdin as NodeJS.ReadStream,
          stdout: ctx.io.stdout as NodeJS.WriteStream,
          log,
          includePrivate: ctx.flags["include-private"] === true,
        },
        brainVersion(),
      );
    } finally {
      restore();
    }
  },
};

/** Points console.log/info/debug at stderr, so nothing but protocol reaches stdout. Returns the undo. */
function consoleToStderr(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  return () => Object.assign(console, saved);
}
