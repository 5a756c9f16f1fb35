import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAnthropicChat } from "../src/core/adapters/anthropic.ts";
import { createOllamaChat } from "../src/core/adapters/ollama-chat.ts";
import { messageBytes } from "../src/core/ask/send.ts";
import { listLedger } from "../src/core/privacy/egress-ledger.ts";
import { cloudChatFromSecretStore } from "../src/core/privacy-brain.ts";
import { ASK_SYSTEM_PROMPT } from "../src/core/ask/prompt.ts";
import type { Brain } from "../src/core/brain.ts";
import {
  CLOUD_KEY_SERVICE,
  disableCloud,
  enableCloud,
  readCloudKey,
  storeCloudKey,
} from "../src/core/privacy/cloud-consent.ts";
import type { ChatMessage } from "../src/core/base/ports.ts";
import { FakeAnthropicServer, type CloudRequestBody } from "./support/fake-anthropic.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { testBrain } from "./support/tmp.ts";
import { failure } from "./support/errors.ts";

const KEY = "sk-ant-test-0123456789";
let ollama: FakeOllamaServer;
let cloud: FakeAnthropicServer;
let secrets: MemorySecretStore;

beforeEach(async () => {
  ollama = await FakeOllamaServer.start({ dimensions: 64 });
  cloud = await FakeAnthropicServer.start();
  secrets = new MemorySecretStore({ [MemorySecretStore.key(CLOUD_KEY_SERVICE, "anthropic-api-key")]: KEY });
  ollama.replyWith("Local answer [1].");
  cloud.replyWith(["Cloud ", "answer ", "[1]."]);
});
afterEach(async () => {
  await ollama.close();
  await cloud.close();
});

/** The default cloud factory (key from the secret store), pointed at the fake Anthropic server. */
function brainWith(localWindow = 8192): Brain {
  return testBrain(
    {
      chat: createOllamaChat({ host: ollama.url, model: "qwen3:4b", contextTokens: localWindow }),
      cloudChat: cloudChatFromSecretStore(() => secrets),
    },
    { ollamaHost: ollama.url },
  );
}

function cloudBodies(): CloudRequestBody[] {
  return cloud.requests.map((r) => r.body as CloudRequestBody);
}

const LONG = (topic: string, i: number) =>
  `Billing ${topic} note ${i}: ${"details about invoices and plans ".repeat(60)}`;

describe("without consent nothing reaches the cloud", () => {
  it("refuses --route cloud with the way to enable it, even with a key stored", async () => {
    const brain = brainWith();
    brain.entries.capture({ text: "Billing moved to Stripe" });
    const error = await failure(brain.ask("billing", { route: "cloud" }));
    expect(error.code).toBe("cloud_not_allowed");
    expect(error.hint).toContain("brain cloud enable anthropic");
    expect(error.hint).toContain("brain cloud set-key");
    expect(cloud.requests).toEqual([]);
    expect(ollama.requestsTo("/api/chat")).toEqual([]);
  });

  it("answers locally, cut to the window, when the context does not fit and the cloud is off", async () => {
    const brain = brainWith(1500);
    for (let i = 0; i < 6; i++) brain.entries.capture({ text: LONG("plan", i) });
    const result = await brain.ask("billing invoices");
    expect(result.route).toBe("local");
    expect(result.notices.join(" ")).toMatch(/Only \d of 6 memories fit qwen3:4b's window/);
    expect(cloud.requests).toEqual([]);
    expect(listLedger(brain.db)).toEqual([]);
  });

  it("stops going to the cloud once consent is withdrawn", async () => {
    const brain = brainWith();
    brain.entries.capture({ text: "Billing moved to Stripe" });
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    await brain.ask("billing", { route: "cloud" });
    expect(cloud.requests).toHaveLength(1);
    disableCloud(brain.db);
    expect((await failure(brain.ask("billing", { route: "cloud" }))).code).toBe("cloud_not_allowed");
    expect((await brain.ask("billing")).route).toBe("local");
    expect(cloud.requests).toHaveLength(1);
  });
});

describe("with consent", () => {
  it("streams from the cloud with the stored key, the same data-only prompt, no tools, and a ledger row", async () => {
    const brain = brainWith();
    const id = brain.entries.capture({ text: "Billing moved to Stripe in March" }).entry.id;
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    const tokens: string[] = [];
    const result = await brain.ask("what about billing?", { route: "cloud", onToken: (t) => tokens.push(t) });
    expect(tokens).toEqual(["Cloud ", "answer ", "[1]."]);
    expect(result).toMatchObject({ route: "cloud", model: "claude-test", answer: "Cloud answer [1]." });
    expect(result.citations.map((c) => c.id)).toEqual([id]);
    const [request] = cloud.requests;
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    const body = cloudBodies()[0]!;
    expect(body).toMatchObject({ model: "claude-test", stream: true, system: ASK_SYSTEM_PROMPT });
    expect(body).not.toHaveProperty("tools");
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]!.content).toContain("Billing moved to Stripe in March");
    const sent: ChatMessage[] = [
      { role: "system", content: body.system! },
      { role: "user", content: body.messages[0]!.content },
    ];
    const [row] = listLedger(brain.db);
    expect(row).toMatchObject({
      road: "cloud",
      class: "cloud",
      destination: "anthropic claude-test",
      subject: "what about billing?",
      entry_ids: [id],
      bytes: messageBytes(sent),
      outcome: "answered",
    });
  });

  it("goes to the cloud on its own only when the memories do not fit the local window", async () => {
    const brain = brainWith(1500);
    brain.entries.capture({ text: "Billing moved to Stripe" });
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    expect((await brain.ask("billing stripe")).route).toBe("local");
    expect(cloud.requests).toHaveLength(0);
    for (let i = 0; i < 6; i++) brain.entries.capture({ text: LONG("stripe", i) });
    const result = await brain.ask("billing stripe");
    expect(result.route).toBe("cloud");
    expect(result.notices.join(" ")).toMatch(/do not fit the local model's 1500-token window/);
    expect(cloud.requests).toHaveLength(1);
  });

  it("never sends a private entry to the cloud, but uses it locally", async () => {
    const brain = brainWith();
    const secret = brain.entries.capture({ text: "Billing: my salary is 123456 #private" }).entry.id;
    const nested = brain.entries.capture({ text: "Billing for the therapist", tags: ["private/health"] })
      .entry.id;
    const open = brain.entries.capture({ text: "Billing moved to Stripe" }).entry.id;
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    const result = await brain.ask("billing", { route: "cloud" });
    const raw = JSON.stringify(cloud.requests.map((r) => r.body));
    expect(raw).not.toContain("123456");
    expect(raw).not.toContain("therapist");
    expect(raw).toContain("Stripe");
    expect(listLedger(brain.db)[0]!.entry_ids).toEqual([open]);
    expect(result.sources.map((s) => s.id)).toEqual([open]);
    expect(result.notices.join(" ")).toContain("2 private memories were kept off the cloud");
    const local = await brain.ask("billing", { route: "local" });
    expect(local.sources.map((s) => s.id).sort()).toEqual([secret, nested, open].sort());
  });

  it("answers locally when only private entries match", async () => {
    const brain = brainWith();
    brain.entries.capture({ text: "Billing: my salary is 123456 #private" });
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    const result = await brain.ask("billing salary", { route: "cloud" });
    expect(result.route).toBe("local");
    expect(result.notices.join(" ")).toMatch(/Only private memories match/);
    expect(cloud.requests).toEqual([]);
  });

  it("records every call in the ledger, failed and cancelled ones too", async () => {
    const brain = brainWith();
    brain.entries.capture({ text: "Billing moved to Stripe" });
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    cloud.fail({ kind: "status", status: 500, type: "api_error", message: "Internal error" });
    expect((await failure(brain.ask("billing", { route: "cloud" }))).code).toBe("cloud_failed");
    cloud.fail({ kind: "status", status: 401, type: "authentication_error", message: "invalid x-api-key" });
    const denied = await failure(brain.ask("billing", { route: "cloud" }));
    expect(denied.hint).toContain("brain cloud set-key");
    cloud.fail({ kind: "drop", after: 1 });
    const tokens: string[] = [];
    const dropped = await failure(brain.ask("billing", { route: "cloud", onToken: (t) => tokens.push(t) }));
    expect(dropped.code).toBe("cloud_failed");
    expect(tokens).toEqual(["Cloud "]);
    cloud.fail({ kind: "hang", after: 1 });
    const controller = new AbortController();
    const stopped = await failure(
      brain.ask("billing", { route: "cloud", signal: controller.signal, onToken: () => controller.abort() }),
    );
    expect(stopped.code).toBe("cancelled");
    cloud.fail(null);
    await brain.ask("billing", { route: "cloud" });
    const outcomes = listLedger(brain.db).map((r) => r.outcome);
    expect(outcomes).toEqual(["answered", "cancelled", "failed", "failed", "failed"]);
    expect(cloud.requests).toHaveLength(5);
  });

  it("reports an error event in the middle of the stream as a cloud failure", async () => {
    const brain = brainWith();
    brain.entries.capture({ text: "Billing moved to Stripe" });
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    cloud.fail({ kind: "sseError", after: 2 });
    const error = await failure(brain.ask("billing", { route: "cloud" }));
    expect(error.code).toBe("cloud_failed");
    expect(listLedger(brain.db)[0]!.outcome).toBe("failed");
  });

  it("says how to store the key when none is stored, and sends nothing", async () => {
    secrets = new MemorySecretStore();
    const brain = brainWith();
    brain.entries.capture({ text: "Billing moved to Stripe" });
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    const error = await failure(brain.ask("billing", { route: "cloud" }));
    expect(error.code).toBe("secret_missing");
    expect(error.hint).toContain("brain cloud set-key");
    expect(cloud.requests).toEqual([]);
    expect(listLedger(brain.db)).toEqual([]);
  });
});

describe("the Anthropic adapter and the key", () => {
  it("names the fix for an unknown model and a rate limit", async () => {
    const model = createAnthropicChat({ apiKey: KEY, model: "claude-nope", baseURL: cloud.url });
    const drain = async () => {
      for await (const _ of model.chat([{ role: "user", content: "hi" }]));
    };
    cloud.fail({ kind: "status", status: 404, type: "not_found_error", message: "model: claude-nope" });
    expect((await failure(drain())).hint).toContain("brain cloud enable anthropic --model");
    cloud.fail({ kind: "status", status: 429, type: "rate_limit_error", message: "slow down" });
    expect((await failure(drain())).message).toContain("rate limit");
    expect(cloud.requests).toHaveLength(2);
  });

  it("stores the key trimmed and refuses one with spaces", async () => {
    const store = new MemorySecretStore();
    await storeCloudKey(store, "anthropic", `  ${KEY}\n`);
    expect(await readCloudKey(store, "anthropic")).toBe(KEY);
    expect((await failure(storeCloudKey(store, "anthropic", "two words"))).code).toBe("bad_input");
  });
});
