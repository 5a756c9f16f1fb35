import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBrain } from "../src/core/brain.ts";
import { resolveConfig } from "../src/core/base/config.ts";
import { listLedger } from "../src/core/privacy/egress-ledger.ts";
import { createMcpServer } from "../src/mcp/server.ts";
import { addTool, defineTool } from "../src/mcp/tool.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { startMcp, textOf, type McpSession } from "./support/mcp-client.ts";
import { tempDir, testBrain } from "./support/tmp.ts";

/**
 * The MCP road: an MCP client is an assistant that may be a cloud model. Every tool and resource
 * the server registers is driven here with the real SDK client over stdio against a database where
 * a #private memory matches every call; its text must appear in no result, and every call must
 * have its ledger row.
 */

const SECRET = "I earn 250k and my therapist is Dr Okafor";
const SECRET_MARKERS = ["250k", "Okafor", "Moonshot"];

let ollama: FakeOllamaServer;
const sessions: McpSession[] = [];

beforeEach(async () => {
  ollama = await FakeOllamaServer.start({ dimensions: 1024 });
  ollama.replyWith("From your notes: salary bands are public [1].");
});
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  await ollama.close();
});

interface Seeded {
  db: string;
  privateId: number;
  publicId: number;
  forgettable: number;
}

/** A database with private and public memories that all match "salary" and #money. */
function seed(): Seeded {
  const brain = testBrain({}, { ollamaHost: ollama.url });
  const capture = (text: string, extra: Record<string, unknown> = {}) =>
    brain.entries.capture({ text, ...extra }).entry.id;
  const privateId = capture(`Salary negotiation: ${SECRET} #private #money`, { kind: "decision", pin: true });
  capture("# Moonshot plan\nsalary for the Moonshot plan #money", { tags: ["private/plans"], kind: "state" });
  capture("salary preference: paid monthly #private", { kind: "preference", key: "pay" });
  const publicId = capture("Salary bands for the team are public #money", { kind: "decision" });
  const forgettable = capture("salary slip from March #private #money");
  brain.close();
  return { db: brain.config.dbPath, privateId, publicId, forgettable };
}

/** One call for every tool: a test fails when a tool has none, so a new tool is checked here too. */
function recipes(s: Seeded): Record<string, Record<string, unknown>> {
  return {
    search: { query: "salary" },
    get: { id: s.privateId },
    recent: { limit: 20 },
    related: { target: "#money" },
    boot: {},
    ask: { question: "what about salary?" },
    remember: { text: "lunch is at noon #money" },
    forget: { id: s.forgettable },
  };
}

async function start(db: string, args: { includePrivate?: boolean } = {}): Promise<McpSession> {
  const session = await startMcp(db, {
    env: { OLLAMA_HOST: ollama.url },
    args: args.includePrivate ? ["--include-private"] : [],
  });
  sessions.push(session);
  return session;
}

function ledgerOf(db: string) {
  const brain = createBrain(resolveConfig({ dbPath: db }, {}));
  try {
    return listLedger(brain.db, { limit: 1000 }).reverse();
  } finally {
    brain.close();
  }
}

describe("the MCP road", () => {
  it("withholds #private from every tool and resource, says how many, and records each call", async () => {
    const seeded = seed();
    const mcp = await start(seeded.db);
    const { tools } = await mcp.client.listTools();
    const table = recipes(seeded);
    const missing = tools.map((t) => t.name).filter((name) => !(name in table));
    expect(missing, "every MCP tool needs a call in this test").toEqual([]);
    const outputs: string[] = [];
    for (const tool of tools) outputs.push(JSON.stringify(await mcp.call(tool.name, table[tool.name])));
    outputs.push(JSON.stringify(await mcp.client.listResources()));
    for (const uri of [`brain://entry/${seeded.privateId}`, "brain://boot"]) {
      outputs.push(JSON.stringify(await mcp.client.readResource({ uri })));
    }
    for (const [i, output] of outputs.entries()) {
      for (const marker of SECRET_MARKERS) expect(output, `output ${i}`).not.toContain(marker);
    }
    const search = JSON.parse(outputs[tools.findIndex((t) => t.name === "search")]!) as {
      content: { text: string }[];
      structuredContent: { results: { id: number }[]; withheld: number };
    };
    expect(search.structuredContent.results.map((r) => r.id)).toEqual([seeded.publicId]);
    expect(search.content[0]!.text).toContain("\nNote: 4 private memories withheld.");
    const chats = JSON.stringify(ollama.requestsTo("/api/chat").map((r) => r.body));
    expect(chats).toContain("Salary bands");
    for (const marker of SECRET_MARKERS) expect(chats).not.toContain(marker);
    await mcp.close();
    const rows = ledgerOf(seeded.db);
    expect(rows).toHaveLength(tools.length + 3);
    expect(new Set(rows.map((r) => `${r.road} ${r.class} ${r.destination}`))).toEqual(
      new Set(["mcp assistant mcp-test 1.0.0"]),
    );
    const searchRow = rows.find((r) => r.subject.startsWith("search "))!;
    expect(searchRow).toMatchObject({ entry_ids: [seeded.publicId], outcome: "sent" });
    expect(searchRow.withheld).toBe(4);
    expect(searchRow.bytes).toBe(Buffer.byteLength(outputs[tools.findIndex((t) => t.name === "search")]!));
  });

  it("answers ask locally by default, and with route cloud only when the person allowed it", async () => {
    const seeded = seed();
    const mcp = await start(seeded.db);
    const local = await mcp.call("ask", { question: "what about salary?" });
    expect(local.structuredContent).toMatchObject({ route: "local" });
    const cloud = await mcp.call("ask", { question: "what about salary?", route: "cloud" });
    expect(cloud.isError).toBe(true);
    expect(textOf(cloud)).toContain("Asking a cloud model is not enabled, so nothing was sent.");
  });

  it("shows #private to a server started with --include-private, and records that choice", async () => {
    const seeded = seed();
    const mcp = await start(seeded.db, { includePrivate: true });
    const text = textOf(await mcp.call("search", { query: "salary" }));
    expect(text).toContain(SECRET);
    await mcp.close();
    const [row] = ledgerOf(seeded.db);
    expect(row).toMatchObject({ withheld: 0, note: "private included (brain mcp --include-private)" });
    expect(row!.entry_ids).toContain(seeded.privateId);
  });
});

describe("a tool that skips the gate", () => {
  it("is refused: its result never reaches the client, and the refusal is recorded", async () => {
    const dir = tempDir();
    const brain = createBrain(
      resolveConfig({ dbPath: path.join(dir, "brain.db"), ollamaHost: ollama.url }, {}),
    );
    const id = brain.entries.capture({ text: `careless ${SECRET} #private` }).entry.id;
    const logged: string[] = [];
    const { server } = createMcpServer(brain, { version: "0.0.0", log: (l) => logged.push(l) });
    const ctx = { brain, server, log: (l: string) => logged.push(l) };
    addTool(
      ctx,
      defineTool({
        name: "leak",
        title: "Leak",
        description: "Returns an entry's text without the gate.",
        input: {},
        annotations: {},
        usage: "{}",
        run: () => ({ content: [{ type: "text", text: brain.entries.get(id).text }] }),
      }),
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "rogue-test", version: "1.0.0" });
    await client.connect(clientSide);
    const result = await client.callTool({ name: "leak", arguments: {} });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain("250k");
    expect(logged.join("\n")).toContain("leak built its result without the privacy gate");
    await client.close();
    expect(listLedger(brain.db)[0]).toMatchObject({
      road: "mcp",
      destination: "rogue-test 1.0.0",
      entry_ids: [],
    });
    brain.close();
  });
});

describe("a topic only private memories link to", () => {
  it("is answered as one nothing links to: its name from their text cannot be confirmed by asking", async () => {
    const brain = createBrain(
      resolveConfig({ dbPath: path.join(tempDir(), "brain.db"), ollamaHost: ollama.url }, {}),
    );
    brain.entries.capture({ text: "call with @drokafor about the biopsy #oncology #private" });
    brain.entries.capture({ text: "lunch with @sam #food" });
    const { server } = createMcpServer(brain, { version: "0.0.0", log: () => {} });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "probe-test", version: "1.0.0" });
    await client.connect(clientSide);
    const answer = async (target: string) => {
      const result = await client.callTool({ name: "related", arguments: { target } });
      return { isError: result.isError, text: (result.content as { text: string }[])[0]!.text };
    };
    const nothing = (label: string) => ({
      isError: true,
      text: `No memory links to ${label} yet. Call it like {"target": 42}, {"target": "#billing"} or {"target": "@maria", "depth": 2}.`,
    });
    expect(await answer("#oncology")).toEqual(nothing("#oncology"));
    expect(await answer("#dermatology")).toEqual(nothing("#dermatology"));
    expect(await answer("@drokafor")).toEqual(nothing("@drokafor"));
    expect(await answer("@sam")).toEqual({
      isError: undefined,
      text: expect.stringContaining("lunch with @sam"),
    });
    await client.close();
    brain.close();
  });
});

describe("a text only a private memory holds", () => {
  it("is saved by remember as a memory of its own, answered as any new text, and the private one is left alone", async () => {
    const brain = createBrain(
      resolveConfig({ dbPath: path.join(tempDir(), "brain.db"), ollamaHost: ollama.url }, {}),
    );
    const privateId = brain.entries.capture({ text: "Door code 4711", tags: ["private"] }).entry.id;
    const publicId = brain.entries.capture({ text: "Standup at 9:30" }).entry.id;
    const { server } = createMcpServer(brain, { version: "0.0.0", log: () => {} });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "probe-test", version: "1.0.0" });
    await client.connect(clientSide);
    const remember = async (args: Record<string, unknown>) =>
      ((await client.callTool({ name: "remember", arguments: args })).content as { text: string }[])[0]!.text;
    const line = (id: number, text: string, tags = "") =>
      `[${id}] (note, ${new Date().toISOString().slice(0, 10)}${tags}) ${text}`;

    const saved = await remember({ text: "Door code 4711" });
    const twin = Number(/^Saved \[(\d+)\]/.exec(saved)![1]);
    expect(twin).toBeGreaterThan(publicId);
    expect(saved).toBe(`Saved ${line(twin, "Door code 4711")}`);
    expect(await remember({ text: "Door code 4711" })).toBe(
      `Already saved as entry ${twin}: ${line(twin, "Door code 4711")}`,
    );
    expect(await remember({ text: "Door code 4711", tags: ["home"] })).toBe(
      `Updated ${line(twin, "Door code 4711", ", #home")} (the previous value is kept in its history)`,
    );
    expect(await remember({ text: "Standup at 9:30" })).toBe(
      `Already saved as entry ${publicId}: ${line(publicId, "Standup at 9:30")}`,
    );
    expect(brain.entries.get(privateId)).toMatchObject({ text: "Door code 4711", tags: ["private"] });
    await client.close();
    brain.close();
  });
});
