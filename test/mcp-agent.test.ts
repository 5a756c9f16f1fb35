import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listLedger } from "../src/core/privacy/egress-ledger.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { startMcp, textOf, type McpSession } from "./support/mcp-client.ts";
import { testBrain } from "./support/tmp.ts";

/**
 * The MCP `ask` tool with `agent: true`, over stdio with the SDK's own client: the loop runs in the
 * server, each tool call is a progress notification, and the client (an assistant) never sees a
 * #private memory, which the local model is not shown either since its answer goes to the client.
 */

const QUESTION = "who was in the meeting where we chose Stripe?";
let ollama: FakeOllamaServer;
let session: McpSession | undefined;

beforeEach(async () => {
  ollama = await FakeOllamaServer.start({ dimensions: 64 });
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await ollama.close();
});

function seed() {
  const brain = testBrain({}, { ollamaHost: ollama.url });
  const capture = (text: string) => brain.entries.capture({ text }).entry.id;
  const decision = capture("We chose Stripe for billing #decision #pricing-meeting");
  const meeting = capture("Attendees: @maria and @tom #pricing-meeting");
  const secret = capture("Stripe card ending 4242 kept by @maria #private #pricing-meeting");
  brain.close();
  return { db: brain.config.dbPath, decision, meeting, secret };
}

describe("MCP ask with agent: true", () => {
  it("runs the loop, sends progress per tool call, cites what it read, and withholds #private", async () => {
    const { db, decision, meeting, secret } = seed();
    ollama.replyTurns([
      { calls: [{ name: "search", arguments: { query: "chose stripe", mode: "keyword" } }] },
      { calls: [{ name: "related", arguments: { target: "#pricing-meeting", depth: 1 } }] },
      { content: "Maria and Tom [2], where Stripe was chosen [1]." },
    ]);
    session = await startMcp(db, { env: { OLLAMA_HOST: ollama.url } });
    const progress: Progress[] = [];
    const result = (await session.client.callTool(
      { name: "ask", arguments: { question: QUESTION, agent: true } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    )) as CallToolResult;
    expect(result.isError).toBeUndefined();
    expect(progress.map((p) => [p.progress, p.message])).toEqual([
      [1, "search: chose stripe → 1 result"],
      [2, "related: #pricing-meeting → 2 results"],
    ]);
    expect(textOf(result)).toBe(
      [
        "Maria and Tom [2], where Stripe was chosen [1].",
        "",
        "Sources:",
        `[1] entry ${decision}: We chose Stripe for billing #decision #pricing-meeting`,
        `[2] entry ${meeting}: Attendees: @maria and @tom #pricing-meeting`,
        "Note: Understood: decisions first.",
        "Note: Meaning search has no vectors yet: run `brain embed` (the background job does it every 5 minutes). Showing keyword results.",
        "Note: 1 private memory withheld.",
      ].join("\n"),
    );
    expect(result.structuredContent).toMatchObject({
      route: "local",
      steps: ["search: chose stripe → 1 result", "related: #pricing-meeting → 2 results"],
    });
    // The local model never saw it either: its answer goes to the client.
    for (const request of ollama.requestsTo("/api/chat"))
      expect(JSON.stringify(request.body)).not.toContain("4242");
    expect(JSON.stringify(result)).not.toContain("4242");
    const rows = listLedger(testBrain({}, { dbPath: db }).db, { road: "mcp" });
    expect(rows.map((r) => [r.entry_ids, r.withheld, r.destination])).toEqual([
      [[decision, meeting], 1, "mcp-test 1.0.0"],
    ]);
    expect(rows[0]!.entry_ids).not.toContain(secret);
  });

  it("sends no progress when the client asked for none, and refuses a non-boolean agent", async () => {
    const { db } = seed();
    ollama.replyTurns([{ calls: [{ name: "get", arguments: { id: 1 } }] }, { content: "Stripe [1]." }]);
    session = await startMcp(db, { env: { OLLAMA_HOST: ollama.url } });
    const result = await session.call("ask", { question: QUESTION, agent: true });
    expect(result.structuredContent).toMatchObject({ answer: "Stripe [1].", steps: ["get: 1 → 1 result"] });
    const wrong = await session.call("ask", { question: QUESTION, agent: "yes" });
    expect(wrong.isError).toBe(true);
    expect(textOf(wrong)).toContain("`agent` must be true or false");
  });
});
