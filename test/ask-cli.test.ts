import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BRAIN_BIN, runBrain, startProcess, type CliRun } from "./support/cli.ts";
import { FakeAnthropicServer, type CloudRequestBody } from "./support/fake-anthropic.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { tempDir } from "./support/tmp.ts";
import { closedPort } from "./support/net.ts";
import { ON_LINUX, requireSecretServiceTools, WITH_SECRET_SERVICE } from "./support/secret-service.ts";

let ollama: FakeOllamaServer;
let cloud: FakeAnthropicServer;
let db: string;

beforeEach(async () => {
  ollama = await FakeOllamaServer.start({ dimensions: 64 });
  cloud = await FakeAnthropicServer.start();
  db = path.join(tempDir(), "brain.db");
});
afterEach(async () => {
  await ollama.close();
  await cloud.close();
});

/** `brain ...` in a child process, with Ollama and the Anthropic endpoint pointed at the fakes. */
function brain(args: string[], input?: string): Promise<CliRun> {
  return runBrain(args, { db, input, env: { OLLAMA_HOST: ollama.url, ANTHROPIC_BASE_URL: cloud.url } });
}

async function capture(...texts: string[]): Promise<void> {
  for (const text of texts) expect((await brain(["capture", text])).code).toBe(0);
}

describe("brain ask", () => {
  it("streams the answer and lists the cited entries after it", async () => {
    await capture("Billing: we decided on Stripe in March #decision", "The cat is called Miso");
    ollama.replyWith(["Billing moved ", "to Stripe [1]."]);
    const run = await brain(["ask", "what did we decide about billing?"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      "Billing moved to Stripe [1].\n\nSources:\n  [1] #1  Billing: we decided on Stripe in March #decision\n",
    );
    expect(cloud.requests).toEqual([]);
  });

  it("lists the sources considered when the answer cites none", async () => {
    await capture("Billing moved to Stripe in March");
    ollama.replyWith("Stripe.");
    const run = await brain(["ask", "billing"]);
    expect(run.stdout).toContain("Stripe.\n\nSources considered (none cited):\n  [1] #1  Billing moved");
  });

  it("prints one JSON document with --json: answer, citations with ids, route, model", async () => {
    await capture("Billing moved to Stripe in March");
    ollama.replyWith(["Stripe ", "[1]."]);
    const run = await brain(["ask", "billing", "--json"]);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({
      answer: "Stripe [1].",
      citations: [{ n: 1, id: 1, text: "Billing moved to Stripe in March" }],
      route: "local",
      model: "qwen3:4b",
      abstained: false,
    });
  });

  it("says plainly when nothing relevant is stored, without calling the model", async () => {
    await capture("Billing moved to Stripe in March");
    const run = await brain(["ask", "how tall is the eiffel tower?"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("I don't have anything about that in your memory.\n");
    expect(ollama.requestsTo("/api/chat")).toEqual([]);
  });

  it("marks a broken answer incomplete and exits non-zero", async () => {
    await capture("Billing moved to Stripe in March");
    ollama.replyWith(["Billing ", "moved ", "to Stripe [1]."]);
    ollama.fail("drop", { after: 2, path: "/api/chat" });
    const run = await brain(["ask", "billing"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Billing moved \n\[answer incomplete: The answer from qwen3:4b broke off/);
    expect(run.stderr).toMatch(/^brain: The answer from qwen3:4b broke off/m);
  });

  it("tells how to start Ollama or pull the model", async () => {
    await capture("Billing moved to Stripe in March");
    ollama.models = ["mxbai-embed-large:latest"];
    const missing = await brain(["ask", "billing"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("ollama pull qwen3:4b");
    const down = await runBrain(["ask", "billing"], {
      db,
      env: { OLLAMA_HOST: `http://127.0.0.1:${await closedPort()}` },
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/Ollama is not reachable.*ollama serve/);
    expect(down.stdout).toBe("");
  });

  it("stops the request on Ctrl-C (SIGINT) and marks what was printed", async () => {
    await capture("Billing moved to Stripe in March");
    ollama.replyWith(["Billing ", "moved ", "to Stripe [1]."]);
    ollama.fail("hang", { after: 1, path: "/api/chat" });
    const run = startProcess(process.execPath, [BRAIN_BIN, "ask", "billing"], {
      BRAIN_DB: db,
      OLLAMA_HOST: ollama.url,
    });
    await expect.poll(() => run.stdout, { timeout: 10_000 }).toBe("Billing ");
    run.child.kill("SIGINT");
    const { code, stdout, stderr } = await run.done;
    expect(code).toBe(130);
    expect(stdout).toBe("Billing \n[answer incomplete: stopped]\n");
    expect(stderr).toContain("Stopped");
    await expect.poll(() => ollama.requestsTo("/api/chat")[0]?.closedEarly).toBe(true);
  });
});

describe("brain cloud and brain ledger", () => {
  it("refuses --route cloud without consent, says how to enable it, and sends nothing", async () => {
    await capture("Billing moved to Stripe in March");
    const run = await brain(["ask", "billing", "--route", "cloud"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("brain cloud enable anthropic");
    expect(cloud.requests).toEqual([]);
    expect(ollama.requestsTo("/api/chat")).toEqual([]);
  });

  it("records consent in the database and withdraws it", async () => {
    // Off, with the state of the key (its exact value is checked inside a Secret Service below).
    const off = JSON.parse((await brain(["cloud", "status", "--json"])).stdout) as Record<string, unknown>;
    expect(off).toMatchObject({ enabled: false });
    expect(off).not.toHaveProperty("model");
    const on = await brain(["cloud", "enable", "anthropic", "--model", "claude-test", "--json"]);
    expect(on.code).toBe(0);
    expect(JSON.parse(on.stdout)).toMatchObject({
      enabled: true,
      provider: "anthropic",
      model: "claude-test",
    });
    const status = JSON.parse((await brain(["cloud", "status", "--json"])).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ enabled: true, provider: "anthropic", model: "claude-test" });
    if (ON_LINUX) {
      // With no session bus to reach, the Secret Service cannot be asked: the status says so.
      const unreachable = await runBrain(["cloud", "status", "--json"], {
        db,
        env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus" },
      });
      expect(JSON.parse(unreachable.stdout)).toMatchObject({ enabled: true, key: "unavailable" });
    }
    expect((await brain(["cloud", "disable"])).stdout).toContain("Cloud use disabled");
    const withdrawn = JSON.parse((await brain(["cloud", "status", "--json"])).stdout) as Record<
      string,
      unknown
    >;
    expect(withdrawn).toMatchObject({ enabled: false });
    expect(withdrawn).not.toHaveProperty("model");
    expect((await brain(["cloud", "enable", "openai"])).code).toBe(2);
  });

  it("never takes the key from the command line", async () => {
    const run = await brain(["cloud", "set-key", "anthropic", "sk-ant-secret-123"]);
    expect(run.code).toBe(2);
    expect(run.stderr + run.stdout).not.toContain("sk-ant-secret-123");
  });

  it("shows an empty ledger", async () => {
    const run = await brain(["ledger"]);
    expect(run.stdout).toBe("Nothing has left this machine.\n");
    expect(JSON.parse((await brain(["ledger", "--json"])).stdout)).toEqual({ calls: [], totals: [] });
  });

  // On Linux: on macOS `brain cloud set-key` would use the login Keychain, which a test leaves alone.
  it.runIf(ON_LINUX)(
    "stores the key from stdin in the Secret Service, asks the cloud with it, and records the call",
    async () => {
      requireSecretServiceTools();
      await capture("Billing moved to Stripe in March", "Billing salary 123456 #private");
      cloud.replyWith(["Stripe ", "[1]."]);
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, "key.txt"), "sk-ant-e2e-4242\n");
      const b = `"${process.execPath}" "${BRAIN_BIN}"`;
      const script = [
        `${b} cloud set-key < "${dir}/key.txt"`,
        `${b} cloud enable anthropic --model claude-test --base-url ${cloud.url}`,
        `${b} ask billing --route cloud --json > "${dir}/ask.json"`,
        `${b} ledger --json > "${dir}/ledger.json"`,
        `${b} cloud status --json > "${dir}/status.json"`,
      ].join(" && ");
      // The environment's endpoint is ignored: the key and the memories go only where consent said.
      const trap = await FakeAnthropicServer.start();
      const run = await runScript(["sh", "-c", script], { BRAIN_DB: db, ANTHROPIC_BASE_URL: trap.url });
      await trap.close();
      expect(trap.requests).toEqual([]);
      expect(run.code, run.stderr).toBe(0);
      const read = (name: string) =>
        JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as Record<string, unknown>;
      expect(read("ask.json")).toMatchObject({ answer: "Stripe [1].", route: "cloud", model: "claude-test" });
      expect(read("status.json")).toMatchObject({ enabled: true, key: "stored" });
      const [request] = cloud.requests;
      expect(request!.headers.authorization).toBe("Bearer sk-ant-e2e-4242");
      expect(JSON.stringify(request!.body)).not.toContain("123456");
      expect((request!.body as CloudRequestBody).messages[0]!.content).toContain("Billing moved to Stripe");
      const ledger = read("ledger.json") as { calls: Record<string, unknown>[] };
      expect(ledger.calls).toHaveLength(1);
      expect(ledger.calls[0]).toMatchObject({
        road: "cloud",
        destination: "anthropic claude-test",
        subject: "billing",
        entry_ids: [1],
        outcome: "answered",
      });
      expect(fs.readFileSync(db).includes("sk-ant-e2e-4242")).toBe(false);
    },
  );
});

describe.runIf(ON_LINUX)("brain cloud disable, with the real Secret Service", () => {
  /** set-key, enable, then `disable` with FLAGS, then what the store and `brain cloud status` say. */
  async function disableWith(flags: string[]) {
    requireSecretServiceTools();
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "key.txt"), "sk-ant-forget-7070\n");
    const b = `"${process.execPath}" "${BRAIN_BIN}"`;
    const script = [
      `${b} cloud set-key < "${dir}/key.txt"`,
      `${b} cloud enable anthropic --model claude-test --base-url ${cloud.url}`,
      `${b} cloud disable ${flags.join(" ")} --json > "${dir}/disable.json"`,
      `${b} cloud status --json > "${dir}/status.json"`,
      `${b} cloud status > "${dir}/status.txt"`,
      // What the store itself holds, asked without the brain: empty when the item is gone.
      `(secret-tool lookup service local-brain account anthropic-api-key || true) > "${dir}/lookup.txt"`,
    ].join(" && ");
    const run = await runScript(["sh", "-c", script], { BRAIN_DB: db });
    expect(run.code, run.stderr).toBe(0);
    const read = (name: string) => fs.readFileSync(path.join(dir, name), "utf8");
    return {
      disable: JSON.parse(read("disable.json")) as Record<string, unknown>,
      status: JSON.parse(read("status.json")) as Record<string, unknown>,
      statusText: read("status.txt"),
      lookup: read("lookup.txt"),
    };
  }

  it("--forget-key deletes the API key from the store, and `brain cloud status` says it is missing", async () => {
    const after = await disableWith(["--forget-key"]);
    expect(after.disable).toEqual({ enabled: false, changed: true, key_forgotten: true });
    expect(after.lookup).toBe("");
    expect(after.status).toEqual({ enabled: false, key: "missing" });
    expect(after.statusText).toContain("API key: missing.");
  });

  it("without --forget-key the API key stays in the store", async () => {
    const after = await disableWith([]);
    expect(after.disable).toEqual({ enabled: false, changed: true, key_forgotten: false });
    expect(after.lookup).toBe("sk-ant-forget-7070");
    expect(after.status).toEqual({ enabled: false, key: "stored" });
    expect(after.statusText).toContain("API key: stored.");
  });
});

/** Runs a command inside a private Secret Service session, without blocking the fake servers. */
function runScript(args: string[], env: Record<string, string>): Promise<CliRun> {
  return startProcess(WITH_SECRET_SERVICE, args, env).done;
}
