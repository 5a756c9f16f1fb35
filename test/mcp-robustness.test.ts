import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../src/core/db/open.ts";
import { BRAIN_BIN, ROOT, projectVersion, runNode, startProcess } from "./support/cli.ts";
import { startMcp, textOf, type McpSession } from "./support/mcp-client.ts";
import { tempDir } from "./support/tmp.ts";
import { countEntries } from "./support/db.ts";

const WRITER = path.join(ROOT, "test", "support", "writer.ts");
const MB = 1024 * 1024;

const sessions: McpSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function open(db: string): Promise<McpSession> {
  const session = await startMcp(db);
  sessions.push(session);
  return session;
}

function freshDb(): string {
  return path.join(tempDir("brain-mcp-"), "brain.db");
}

describe("brain mcp: bad input", () => {
  it("answers malformed calls with one-sentence tool errors and keeps serving", async () => {
    const db = freshDb();
    const mcp = await open(db);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        "get",
        { id: "x" },
        /^Wrong arguments for get: `id` must be an entry id, a whole number such as 42\. Call it like \{"id": 42\}/,
      ],
      ["get", {}, /^Wrong arguments for get: `id` must be an entry id/],
      ["get", { id: 1.5 }, /`id` must be an entry id/],
      ["get", { id: -3 }, /`id` must be an entry id/],
      [
        "remember",
        {},
        /^Wrong arguments for remember: `text` must be the memory's text, a non-empty string\. Call it like/,
      ],
      ["remember", { text: 42 }, /`text` must be the memory's text/],
      ["remember", { text: "   " }, /^The text is empty, so nothing was saved\. Call it like \{"text"/],
      [
        "remember",
        { text: "ok", kind: "bogus" },
        /`kind` must be one of note, fact, preference, decision, state/,
      ],
      ["remember", { text: "ok", tags: "billing" }, /`tags` must be a list of tags/],
      ["search", { query: "x", limit: 0 }, /`limit` must be a whole number from 1 to 50/],
      [
        "search",
        { query: "x", since: "last tuesday" },
        /"last tuesday" is not a time\. Use an ISO 8601 time/,
      ],
      [
        "get",
        { id: 12345 },
        /^There is no entry with id 12345\. Find ids with the `search` or `recent` tool\.$/,
      ],
      ["nope", {}, /Tool nope not found/],
    ];
    for (const [tool, args, message] of cases) {
      const result = await mcp.call(tool, args);
      expect(result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(result)).toMatch(message);
      expect(textOf(result)).not.toContain("\n");
    }
    expect(countEntries(db)).toBe(0);
    expect((await mcp.call("remember", { text: "still serving" })).isError).toBeFalsy();
    expect(countEntries(db)).toBe(1);
  });

  it("refuses a 20 MB text, a 12 MB text of 4 M characters and a 40 MB request, then keeps serving", async () => {
    const db = freshDb();
    const mcp = await open(db);
    const twenty = await mcp.call("remember", { text: "x".repeat(20 * MB) });
    expect(twenty.isError).toBe(true);
    expect(textOf(twenty)).toMatch(
      /^Wrong arguments for remember: `text` is over 10 MB, the most one memory holds/,
    );
    const wide = await mcp.call("remember", { text: "€".repeat(4 * MB) });
    expect(textOf(wide)).toBe(
      "The text is 12.0 MB; an entry holds at most 10 MB, so nothing was saved. Split it into several smaller memories.",
    );
    const forty = await mcp.call("remember", { text: "y".repeat(40 * MB) });
    expect(forty.isError).toBe(true);
    expect(textOf(forty)).toMatch(
      /^The request is 40\.0 MB, over the 30\.0 MB this server reads, so nothing was done\./,
    );
    const saved = await mcp.call("remember", { text: "after the big ones" });
    expect(textOf(saved)).toMatch(/^Saved \[1\]/);
    expect(countEntries(db)).toBe(1);
  });

  it("writes only protocol to stdout, survives lines that are not JSON, and exits when stdin ends", async () => {
    const db = freshDb();
    const run = startProcess(process.execPath, [BRAIN_BIN, "mcp", "--db", db]);
    const send = (line: string) => run.child.stdin.write(`${line}\n`);
    send("this is not json");
    send('{"jsonrpc":"2.0","id":"no-method"}');
    send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "raw", version: "1" },
        },
      }),
    );
    send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    send(
      `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"remember","arguments":{"text":"${"z".repeat(31 * MB)}"}}}`,
    );
    send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "recent", arguments: {} },
      }),
    );
    run.child.stdin.end();
    const { code, stdout, stderr } = await run.done;
    expect(code).toBe(0);
    const messages = stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(messages.map((m) => m.jsonrpc)).toEqual(messages.map(() => "2.0"));
    const byId = new Map(messages.map((m) => [m.id, m]));
    expect(byId.get(1)).toMatchObject({
      result: { serverInfo: { name: "local-brain", version: projectVersion() } },
    });
    expect(byId.get(2)).toMatchObject({
      result: { isError: true, content: [{ text: expect.stringMatching(/^The request is 31\.0 MB/) }] },
    });
    expect(byId.get(3)).toMatchObject({ result: { content: [{ text: "No memories yet." }] } });
    // Lines that are not JSON-RPC requests are answered too, as JSON-RPC says, and reading goes on.
    expect(byId.get(null)).toMatchObject({
      error: { code: -32700, message: "The message is not valid JSON, so it was not read." },
    });
    expect(byId.get("no-method")).toMatchObject({
      error: { code: -32600, message: "The request has no method: give one such as tools/list." },
    });
    expect(stderr).not.toMatch(/protocol error/);
  });
});

describe("brain mcp: several processes on one database", () => {
  it("two servers and a CLI writer write at once: every write is saved and found, no busy errors", async () => {
    const db = freshDb();
    openDatabase(db).close();
    const [alpha, beta] = await Promise.all([open(db), open(db)]);
    // Ten calls in flight per client at a time, as a busy assistant would have.
    const rememberMany = async (mcp: McpSession, tag: string) => {
      const ids: number[] = [];
      for (let start = 0; start < 300; start += 10) {
        const batch = Array.from({ length: 10 }, async (_, j) => {
          const result = await mcp.call("remember", {
            text: `${tag} memory ${tag}${start + j}`,
            tags: [tag],
          });
          expect(result.isError, textOf(result)).toBeFalsy();
          return (result.structuredContent as { entry: { id: number } }).entry.id;
        });
        ids.push(...(await Promise.all(batch)));
      }
      return ids;
    };
    const [alphaIds, betaIds, writer] = await Promise.all([
      rememberMany(alpha, "alpha"),
      rememberMany(beta, "beta"),
      runNode([WRITER, db, "1000", "writer"]),
    ]);
    expect(writer.code, writer.stderr).toBe(0);
    const writerIds = writer.stdout.split("\n").filter(Boolean).map(Number);
    const all = [...alphaIds, ...betaIds, ...writerIds];
    expect(new Set(all).size).toBe(1600);

    for (const [session, ids] of [
      [beta, alphaIds],
      [alpha, [...betaIds, ...writerIds]],
    ] as const) {
      const missing: string[] = [];
      for (const id of ids) {
        const result = await session.call("get", { id });
        if (result.isError) missing.push(textOf(result));
      }
      expect(missing).toEqual([]);
    }
    const found = await beta.call("search", { query: "alpha123", mode: "keyword" });
    expect(textOf(found)).toMatch(/\(note, [\d-]+, #alpha\) alpha memory alpha123/);
    expect(countEntries(db)).toBe(1600);
    expect(alpha.stderr() + beta.stderr()).not.toMatch(/busy|locked|error/i);
  });
});
