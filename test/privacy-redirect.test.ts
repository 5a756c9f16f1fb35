import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createBrain, type Brain } from "../src/core/brain.ts";
import { createAnthropicChat } from "../src/core/adapters/anthropic.ts";
import { listLedger } from "../src/core/privacy/egress-ledger.ts";
import { failure } from "./support/errors.ts";
import { testConfig } from "./support/tmp.ts";

// Memory text goes only to the host it was sent to: a redirect is never followed, to another
// machine or anywhere else (adapters/no-redirect.ts).

const servers: http.Server[] = [];
let brain: Brain | undefined;

afterEach(async () => {
  brain?.close();
  brain = undefined;
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server that records every request it gets and answers 200 with an empty JSON object. */
async function recorder(): Promise<{ url: string; received: string[] }> {
  const received: string[] = [];
  const server = http.createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += String(chunk);
    received.push(`${req.method} ${req.url} ${body}`);
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  return { url: await listen(server), received };
}

/** A server on this machine that answers every request with a 307 to `target`. */
async function redirector(target: string): Promise<string> {
  return listen(
    http.createServer((req, res) => res.writeHead(307, { location: `${target}${req.url}` }).end()),
  );
}

async function listen(server: http.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("a redirect is not followed", () => {
  it("from Ollama: ask fails with the redirect named, and the private memory reaches nothing else", async () => {
    const elsewhere = await recorder();
    const ollamaHost = await redirector(elsewhere.url);
    brain = createBrain(testConfig({ ollamaHost, appleFmHelper: null }));
    brain.entries.capture({ text: "my salary is 250k #private" });

    const error = await failure(brain.ask("what is my salary?", { route: "local" }));

    expect({ code: error.code, message: error.message }).toEqual({
      code: "ollama_bad_response",
      message: `Ollama at ${ollamaHost} answered with a redirect to ${elsewhere.url}/api/chat, which is not followed: memory text goes only to the host it was sent to.`,
    });
    expect(elsewhere.received).toEqual([]);
    expect(listLedger(brain.db)).toEqual([]);
  });

  it("from the cloud endpoint: the question is sent nowhere else", async () => {
    const elsewhere = await recorder();
    const baseURL = await redirector(elsewhere.url);
    const model = createAnthropicChat({ apiKey: "sk-ant-test-0123456789", model: "claude-x", baseURL });

    const error = await failure(
      (async () => {
        for await (const _ of model.chat([{ role: "user", content: "what is my salary?" }]));
      })(),
    );

    expect({ code: error.code, message: error.message }).toEqual({
      code: "cloud_failed",
      message: `The cloud endpoint ${baseURL} answered with a redirect to ${elsewhere.url}/v1/messages, which is not followed: memory text goes only to the endpoint you allowed.`,
    });
    expect(elsewhere.received).toEqual([]);
  });
});
