import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOllamaChat } from "../src/core/adapters/ollama-chat.ts";
import { cloudChatFromSecretStore } from "../src/core/privacy-brain.ts";
import type { Brain } from "../src/core/brain.ts";
import { CLOUD_KEY_SERVICE, enableCloud } from "../src/core/privacy/cloud-consent.ts";
import { migrate, migrations } from "../src/core/db/migrations.ts";
import { openDatabase } from "../src/core/db/open.ts";
import { allowHost, isLoopbackUrl, revokeHost } from "../src/core/privacy/egress-hosts.ts";
import { listLedger } from "../src/core/privacy/egress-ledger.ts";
import { runBrain } from "./support/cli.ts";
import { failure } from "./support/errors.ts";
import { FakeAnthropicServer } from "./support/fake-anthropic.ts";
import { FakeOllamaServer, fetchVia } from "./support/fake-ollama.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { tempDir, testBrain } from "./support/tmp.ts";

const KEY = "sk-ant-roads-0123456789";
const SECRET = "my salary is 250k";
let ollama: FakeOllamaServer;
let cloud: FakeAnthropicServer;
let trap: FakeAnthropicServer;

beforeEach(async () => {
  ollama = await FakeOllamaServer.start({ dimensions: 1024 });
  cloud = await FakeAnthropicServer.start();
  trap = await FakeAnthropicServer.start();
  ollama.replyWith("Local answer [1].");
  cloud.replyWith(["Cloud answer [1]."]);
});
afterEach(async () => {
  delete process.env.ANTHROPIC_BASE_URL;
  await Promise.all([ollama.close(), cloud.close(), trap.close()]);
});

/** Both match "salary": one private, one not. */
function seedBoth(brain: Brain): { secret: number; open: number } {
  const secret = brain.entries.capture({ text: `Salary: ${SECRET} #private` }).entry.id;
  const open = brain.entries.capture({ text: "Salary reviews happen in March" }).entry.id;
  return { secret, open };
}

describe("the remote Ollama road", () => {
  const REMOTE = "http://gpu-box.test:11434";

  it("refuses a host that is not this machine before any request, with the way to allow it", async () => {
    const requested: string[] = [];
    const brain = testBrain(
      { ollamaFetch: (input) => (requested.push(String(input)), fetch(String(input))) },
      { ollamaHost: "http://ollama.invalid:11434" },
    );
    seedBoth(brain);
    for (const attempt of [brain.embed(), brain.search("salary"), brain.ask("salary")]) {
      const error = await failure(attempt);
      expect(error.code).toBe("remote_host_not_allowed");
      expect(error.hint).toContain("brain cloud allow-host ollama.invalid:11434");
    }
    expect((await brain.search("salary", { mode: "keyword" })).results).toHaveLength(2);
    expect(requested).toEqual([]);
  });

  it("once allowed, never embeds or sends #private there, and records every request", async () => {
    const brain = testBrain({ ollamaFetch: fetchVia(ollama, REMOTE) }, { ollamaHost: REMOTE });
    const { secret, open } = seedBoth(brain);
    allowHost(brain.db, "gpu-box.test", new Date());
    const report = await brain.embed();
    expect(report).toMatchObject({ embedded: 1, withheld: 1, pending: 0 });
    await brain.ask("what about salary?");
    const received = JSON.stringify(ollama.requests.map((r) => r.body));
    expect(received).toContain("Salary reviews");
    expect(received).not.toContain("250k");
    const rows = listLedger(brain.db).reverse();
    expect(rows.map((r) => [r.road, r.destination, r.subject, r.entry_ids, r.outcome])).toEqual([
      ["remote-ollama", "gpu-box.test:11434", "embed", [open], "answered"],
      ["remote-ollama", "gpu-box.test:11434", "search query", [], "answered"],
      ["remote-ollama", "gpu-box.test:11434", "what about salary?", [open], "answered"],
    ]);
    expect(rows[0]!.withheld).toBe(0);
    expect(rows[2]!.withheld).toBe(1);
    expect(rows.flatMap((r) => r.entry_ids)).not.toContain(secret);
    expect(revokeHost(brain.db, "gpu-box.test:11434")).toBe(true);
    expect((await failure(brain.embed())).code).toBe("remote_host_not_allowed");
  });

  it("tells loopback from other hosts by the URL alone", () => {
    for (const url of [
      "http://127.0.0.1:1",
      "http://127.8.9.10",
      "http://localhost:11434",
      "http://[::1]:11434",
      "http://[::ffff:127.0.0.1]:11434",
    ]) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    for (const url of [
      "http://10.0.0.2",
      "http://ollama.invalid:11434",
      "http://127.0.0.1.nip.io",
      "http://gpu-box.localhost:11434",
      "http://[::2]",
      "http://[::ffff:10.0.0.1]",
      "http://128.0.0.1",
      "nonsense",
    ]) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
  });

  it("brain embed and brain search exit with the consent message, one line, no connection attempt", async () => {
    const db = path.join(tempDir(), "brain.db");
    await runBrain(["capture", "salary reviews in March"], { db });
    for (const args of [["embed"], ["search", "salary"]]) {
      const run = await runBrain(args, { db, env: { OLLAMA_HOST: "http://ollama.invalid:11434" } });
      expect(run.code, args.join(" ")).toBe(1);
      expect(run.stderr).toBe(
        "brain: Ollama at http://ollama.invalid:11434 is not on this machine, so nothing was sent there. " +
          "If you trust that host with your memories, allow it with `brain cloud allow-host ollama.invalid:11434` " +
          "(#private memories are never sent; `brain cloud hosts` lists allowed hosts, `brain cloud revoke-host HOST` withdraws); " +
          "or point OLLAMA_HOST at a local Ollama.\n",
      );
    }
  });
});

describe("the cloud road", () => {
  function cloudBrain(localWindow = 8192): Brain {
    const secrets = new MemorySecretStore({
      [MemorySecretStore.key(CLOUD_KEY_SERVICE, "anthropic-api-key")]: KEY,
    });
    return testBrain(
      {
        chat: createOllamaChat({ host: ollama.url, model: "qwen3:4b", contextTokens: localWindow }),
        cloudChat: cloudChatFromSecretStore(() => secrets),
      },
      { ollamaHost: ollama.url },
    );
  }

  it("ignores ANTHROPIC_BASE_URL: the key and the memories go only to the endpoint given with consent", async () => {
    process.env.ANTHROPIC_BASE_URL = trap.url;
    const brain = cloudBrain();
    const { open } = seedBoth(brain);
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    const result = await brain.ask("salary", { route: "cloud" });
    expect(result.route).toBe("cloud");
    expect(trap.requests).toEqual([]);
    expect(cloud.requests).toHaveLength(1);
    expect(JSON.stringify(cloud.requests[0]!.body)).not.toContain("250k");
    expect(listLedger(brain.db)[0]).toMatchObject({ road: "cloud", entry_ids: [open], withheld: 1 });
  });

  it("answers locally when only a large #private note keeps the memories from fitting the local window", async () => {
    const brain = cloudBrain(1500);
    brain.entries.capture({
      text: `Billing private ledger ${"details of my own money ".repeat(400)} #private`,
    });
    for (let i = 0; i < 3; i++) brain.entries.capture({ text: `Billing note ${i}: invoices go out monthly` });
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    const result = await brain.ask("billing invoices");
    expect(result.route).toBe("local");
    expect(cloud.requests).toEqual([]);
    expect(listLedger(brain.db)).toEqual([]);
  });

  it("accepts only https endpoints, or http to this machine", () => {
    const brain = cloudBrain();
    expect(() =>
      enableCloud(brain.db, "anthropic", undefined, new Date(), "http://gateway.example.com"),
    ).toThrow("is not https");
    expect(enableCloud(brain.db, "anthropic", undefined, new Date()).base_url).toBe(
      "https://api.anthropic.com",
    );
  });

  it("shows a provider's error without anything that could carry the key", async () => {
    const brain = cloudBrain();
    seedBoth(brain);
    enableCloud(brain.db, "anthropic", "claude-test", new Date(), cloud.url);
    const echo = `invalid x-api-key ${KEY} (Bearer ${KEY})`;
    cloud.fail({ kind: "status", status: 401, type: "authentication_error", message: echo });
    const error = await failure(brain.ask("salary", { route: "cloud" }));
    expect(error.message).toBe(
      "Anthropic refused the API key (HTTP 401: invalid [redacted] [redacted] (Bearer [redacted])).",
    );
    expect(error.cause).toBeUndefined();
  });
});

describe("the ledger", () => {
  it("keeps the cloud calls recorded before the egress ledger existed", () => {
    const file = path.join(tempDir(), "brain.db");
    const old = new Database(file);
    migrate(
      old,
      migrations.filter((m) => m.name !== "010_egress_ledger"),
    );
    old
      .prepare(
        "INSERT INTO cloud_ledger(at, provider, model, question, entry_ids, bytes, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(Date.UTC(2026, 0, 5), "anthropic", "claude-old", "what about billing?", "[3,4]", 812, "answered");
    old.close();
    const db = openDatabase(file);
    expect(listLedger(db)).toEqual([
      expect.objectContaining({
        at: "2026-01-05T00:00:00.000Z",
        road: "cloud",
        class: "cloud",
        destination: "anthropic claude-old",
        subject: "what about billing?",
        entry_ids: [3, 4],
        bytes: 812,
        outcome: "answered",
      }),
    ]);
    db.close();
  });

  it("lists by --since with the bytes per road", async () => {
    const db = path.join(tempDir(), "brain.db");
    const brain = testBrain({}, { dbPath: db });
    const now = Date.now();
    const insert = brain.db.prepare(
      "INSERT INTO egress_ledger(at, road, class, destination, subject, entry_ids, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    insert.run(now - 10 * 86_400_000, "cloud", "cloud", "anthropic claude-test", "old question", "[1]", 500);
    insert.run(now - 3_600_000, "mcp", "assistant", "claude-ai 0.1.0", "search {}", "[1,2]", 300);
    insert.run(now - 60_000, "mcp", "assistant", "claude-ai 0.1.0", "get {}", "[2]", 200);
    brain.close();
    const run = await runBrain(["ledger", "--since", "7d", "--json"], { db });
    const out = JSON.parse(run.stdout) as { calls: { subject: string }[]; totals: unknown[] };
    expect(out.calls.map((c) => c.subject)).toEqual(["get {}", "search {}"]);
    expect(out.totals).toEqual([{ road: "mcp", calls: 2, bytes: 500, entries: 3, withheld: 0 }]);
    const text = (await runBrain(["ledger", "--since", "7d"], { db })).stdout;
    expect(text).toContain("Total by road:\n  mcp: 2 calls, 500 bytes, 3 entries\n");
  });
});
