import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Brain } from "../src/core/brain.ts";
import { AGENT_SYSTEM_PROMPT } from "../src/core/agent/prompt.ts";
import { listLedger } from "../src/core/privacy/egress-ledger.ts";
import { CLOUD_KEY_SERVICE, enableCloud } from "../src/core/privacy/cloud-consent.ts";
import { allowHost } from "../src/core/privacy/egress-hosts.ts";
import { FakeAnthropicServer } from "./support/fake-anthropic.ts";
import { FakeOllamaServer, fetchVia } from "./support/fake-ollama.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { testBrain } from "./support/tmp.ts";
import { failure } from "./support/errors.ts";

/**
 * The agent loop with a cloud model: Anthropic tool use through the official SDK against a fake
 * endpoint. Every request is a ledger row naming the entries it carried; #private ones never go.
 */

const KEY = "sk-ant-test-0123456789";
const QUESTION = "who was in the meeting where we chose Stripe?";
let ollama: FakeOllamaServer;
let cloud: FakeAnthropicServer;

beforeEach(async () => {
  ollama = await FakeOllamaServer.start({ dimensions: 64 });
  cloud = await FakeAnthropicServer.start();
});
afterEach(async () => {
  await ollama.close();
  await cloud.close();
});

function brainWith(): Brain {
  const secrets = new MemorySecretStore({
    [MemorySecretStore.key(CLOUD_KEY_SERVICE, "anthropic-api-key")]: KEY,
  });
  return testBrain({ secrets: () => secrets }, { ollamaHost: ollama.url });
}

interface Block {
  type: string;
  text?: string;
  content?: string;
  tool_use_id?: string;
  id?: string;
}
interface ToolBody {
  model: string;
  system: string;
  stream?: boolean;
  tools?: { name: string; input_schema: { type: string } }[];
  messages: { role: string; content: string | Block[] }[];
}

function bodies(): ToolBody[] {
  return cloud.requests.map((r) => r.body as ToolBody);
}

describe("the agent loop in the cloud", () => {
  it("withholds a #private memory from every request and records each request with the ids it carried", async () => {
    const brain = brainWith();
    const decision = brain.entries.capture({ text: "We chose Stripe for billing #decision #pricing-meeting" })
      .entry.id;
    const secret = brain.entries.capture({
      text: "Stripe contract signed by @maria, card ending 4242 #private #pricing-meeting",
    }).entry.id;
    const meeting = brain.entries.capture({ text: "Attendees: @maria and @tom #pricing-meeting" }).entry.id;
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    cloud.replyTurns([
      { calls: [{ name: "search", input: { query: "stripe", mode: "keyword" } }] },
      {
        text: "Now the meeting.",
        calls: [{ name: "related", input: { target: "#pricing-meeting", depth: 1 } }],
      },
      { text: "Maria and Tom [2], at the meeting where Stripe was chosen [1]." },
    ]);
    const result = await brain.askAgent(QUESTION, { route: "cloud" });
    expect(result).toMatchObject({ route: "cloud", model: "claude-test", abstained: false });
    expect(result.citations.map((c) => [c.n, c.id])).toEqual([
      [1, decision],
      [2, meeting],
    ]);
    expect(result.notices).toContain("1 private memory was kept off the cloud.");
    const sent = bodies();
    expect(sent).toHaveLength(3);
    for (const body of sent) expect(JSON.stringify(body)).not.toContain("4242");
    expect(sent[0]).toMatchObject({ model: "claude-test", system: AGENT_SYSTEM_PROMPT });
    expect(sent[0]!.stream).toBeUndefined();
    expect(sent[0]!.tools!.map((t) => t.name)).toEqual(["search", "get", "related", "recent"]);
    expect(cloud.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    // The second request: the call and its result, paired by id, the private one counted only.
    const [, call, results] = sent[1]!.messages as { role: string; content: Block[] }[];
    expect(call!.content.map((b) => b.type)).toEqual(["tool_use"]);
    expect(results!.content[0]).toMatchObject({ type: "tool_result", tool_use_id: call!.content[0]!.id });
    expect(results!.content[0]!.content).toContain("Note: 1 private memory withheld.");
    const rows = listLedger(brain.db).reverse();
    expect(
      rows.map((r) => [r.road, r.class, r.destination, r.subject, r.entry_ids, r.withheld, r.outcome]),
    ).toEqual([
      ["cloud", "cloud", "anthropic claude-test", QUESTION, [], 0, "answered"],
      ["cloud", "cloud", "anthropic claude-test", QUESTION, [decision], 1, "answered"],
      ["cloud", "cloud", "anthropic claude-test", QUESTION, [decision, meeting], 1, "answered"],
    ]);
    expect(rows.flatMap((r) => r.entry_ids)).not.toContain(secret);
    // Each request carries the conversation so far: the recorded sizes grow.
    expect(rows[1]!.bytes).toBeGreaterThan(rows[0]!.bytes);
    expect(rows[2]!.bytes).toBeGreaterThan(rows[1]!.bytes);
    expect(ollama.requestsTo("/api/chat")).toEqual([]);
  });

  it("refuses --route cloud without consent before anything is sent", async () => {
    const brain = brainWith();
    brain.entries.capture({ text: "We chose Stripe for billing" });
    const error = await failure(brain.askAgent(QUESTION, { route: "cloud" }));
    expect(error.code).toBe("cloud_not_allowed");
    expect(cloud.requests).toEqual([]);
    expect(listLedger(brain.db)).toEqual([]);
  });

  it("settles the row as failed when the cloud refuses a request", async () => {
    const brain = brainWith();
    brain.entries.capture({ text: "We chose Stripe for billing" });
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    cloud.fail({ kind: "status", status: 529, type: "overloaded_error", message: "Overloaded" });
    const error = await failure(brain.askAgent(QUESTION, { route: "cloud" }));
    expect(error.code).toBe("cloud_failed");
    expect(listLedger(brain.db).map((r) => r.outcome)).toEqual(["failed"]);
  });

  it("with an allowed Ollama on another machine, holds #private back and records each request there", async () => {
    const REMOTE = "http://gpu-box.test:11434";
    const brain = testBrain({ ollamaFetch: fetchVia(ollama, REMOTE) }, { ollamaHost: REMOTE });
    allowHost(brain.db, "gpu-box.test", new Date());
    const open = brain.entries.capture({ text: "We chose Stripe for billing" }).entry.id;
    const secret = brain.entries.capture({ text: "Stripe card ending 4242 #private" }).entry.id;
    ollama.replyTurns([
      { calls: [{ name: "search", arguments: { query: "stripe", mode: "keyword" } }] },
      { content: "Stripe [1]." },
    ]);
    const result = await brain.askAgent("what did we choose, Stripe?");
    expect(result.citations.map((c) => c.id)).toEqual([open]);
    expect(result.notices).toContain("1 private memory was kept off gpu-box.test:11434.");
    expect(JSON.stringify(ollama.requestsTo("/api/chat").map((r) => r.body))).not.toContain("4242");
    const rows = listLedger(brain.db, { road: "remote-ollama" }).reverse();
    expect(rows.map((r) => [r.destination, r.entry_ids, r.withheld, r.outcome])).toEqual([
      ["gpu-box.test:11434", [], 0, "answered"],
      ["gpu-box.test:11434", [open], 1, "answered"],
    ]);
    expect(rows.flatMap((r) => r.entry_ids)).not.toContain(secret);
  });
});
