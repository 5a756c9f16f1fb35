import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BRAIN_BIN, ROOT, cleanEnv } from "./support/cli.ts";
import { tempDir } from "./support/tmp.ts";

/** A real `brain mcp` spoken to line by line, the way a client that is not the SDK may speak. */
class RawMcp {
  readonly messages: Record<string, unknown>[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = "";

  constructor(db: string) {
    this.child = spawn(process.execPath, [BRAIN_BIN, "mcp", "--db", db], { cwd: ROOT, env: cleanEnv() });
    this.child.stdout.setEncoding("utf8").on("data", (d: string) => {
      this.buffer += d;
      for (let nl = this.buffer.indexOf("\n"); nl !== -1; nl = this.buffer.indexOf("\n")) {
        this.messages.push(JSON.parse(this.buffer.slice(0, nl)) as Record<string, unknown>);
        this.buffer = this.buffer.slice(nl + 1);
      }
    });
  }

  send(message: unknown): void {
    this.child.stdin.write(`${typeof message === "string" ? message : JSON.stringify(message)}\n`);
  }

  async initialize(): Promise<void> {
    const clientInfo = { name: "raw", version: "1" };
    this.send({
      jsonrpc: "2.0",
      id: "init",
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo },
    });
    await this.response("init");
    this.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  }

  /** The one response with this id (waits for it). */
  async response(id: string | number | null): Promise<Record<string, unknown>> {
    for (let i = 0; i < 500; i++) {
      const found = this.messages.filter((m) => m.id === id);
      if (found.length > 1) throw new Error(`${found.length} responses for id ${String(id)}`);
      if (found[0]) return found[0];
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no response for id ${String(id)}; got ${JSON.stringify(this.messages)}`);
  }

  close(): Promise<void> {
    this.child.stdin.end();
    return new Promise((resolve) => this.child.once("close", () => resolve()));
  }
}

let open: RawMcp[] = [];
afterEach(async () => {
  await Promise.all(open.map((m) => m.close()));
  open = [];
});

function start(): RawMcp {
  const mcp = new RawMcp(path.join(tempDir(), "brain.db"));
  open.push(mcp);
  return mcp;
}

describe("brain mcp: every request with an id gets one response", () => {
  it("refuses requests other than ping before initialize, as the MCP lifecycle says, then serves them", async () => {
    const mcp = start();
    mcp.send({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    mcp.send({ jsonrpc: "2.0", id: 2, method: "ping" });
    expect(await mcp.response(1)).toEqual({
      jsonrpc: "2.0",
      id: 1,
      error: {
        code: -32600,
        message: "The session is not initialized: send initialize first, then tools/list.",
      },
    });
    expect(await mcp.response(2)).toEqual({ jsonrpc: "2.0", id: 2, result: {} });
    await mcp.initialize();
    mcp.send({ jsonrpc: "2.0", id: 3, method: "tools/list" });
    const tools = (await mcp.response(3)).result as { tools: { name: string }[] };
    expect(tools.tools.map((t) => t.name)).toContain("search");
  });

  it("answers each request of a batch with an error, and an empty batch with one", async () => {
    const mcp = start();
    await mcp.initialize();
    mcp.send([
      { jsonrpc: "2.0", id: 10, method: "tools/list" },
      { jsonrpc: "2.0", method: "notifications/progress" },
      { jsonrpc: "2.0", id: "b", method: "ping" },
    ]);
    const batch = {
      code: -32600,
      message: "Batches are not supported: send each request as its own message.",
    };
    expect(await mcp.response(10)).toEqual({ jsonrpc: "2.0", id: 10, error: batch });
    expect(await mcp.response("b")).toEqual({ jsonrpc: "2.0", id: "b", error: batch });
    mcp.send("[]");
    expect(await mcp.response(null)).toEqual({ jsonrpc: "2.0", id: null, error: batch });
  });

  it("answers params that are not an object, and missing params, with -32602 and one sentence", async () => {
    const mcp = start();
    await mcp.initialize();
    mcp.send({ jsonrpc: "2.0", id: 20, method: "tools/call", params: "x" });
    mcp.send({ jsonrpc: "2.0", id: 21, method: "tools/call" });
    mcp.send({ jsonrpc: "2.0", id: 22, method: "tools/call", params: {} });
    mcp.send({ jsonrpc: "2.0", id: 23, method: "tools/call", params: { name: 5 } });
    const invalid = (message: string) => ({ code: -32602, message });
    expect((await mcp.response(20)).error).toEqual(
      invalid("The params of tools/call must be an object, not a string."),
    );
    expect((await mcp.response(21)).error).toEqual(
      invalid("Invalid params: `params` is missing (it must be an object)."),
    );
    expect((await mcp.response(22)).error).toEqual(
      invalid("Invalid params: `params.name` is missing (it must be a string)."),
    );
    expect((await mcp.response(23)).error).toEqual(
      invalid("Invalid params: `params.name` must be a string, not a number."),
    );
  });

  it("answers a line that is not JSON with a parse error, and keeps serving", async () => {
    const mcp = start();
    await mcp.initialize();
    mcp.send("{not json");
    expect(await mcp.response(null)).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32700, message: "The message is not valid JSON, so it was not read." },
    });
    mcp.send({ jsonrpc: "2.0", id: 30, method: "ping" });
    expect(await mcp.response(30)).toEqual({ jsonrpc: "2.0", id: 30, result: {} });
  });
});
