import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installFakeAppleFm } from "./support/fake-apple-fm.ts";
import { runBrain } from "./support/cli.ts";
import { FakeOllamaServer, type FakeChatRequest } from "./support/fake-ollama.ts";
import { closedPort } from "./support/net.ts";
import { tempDir } from "./support/tmp.ts";

let ollama: FakeOllamaServer;
let db: string;

beforeEach(async () => {
  ollama = await FakeOllamaServer.start();
  db = path.join(tempDir(), "brain.db");
});

afterEach(async () => {
  await ollama.close();
});

const brain = (args: string[], env: Record<string, string> = {}) =>
  runBrain(args, { db, env: { OLLAMA_HOST: ollama.url, BRAIN_APPLE_FM_HELPER: "", ...env } });

async function json<T>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const run = await brain([...args, "--json"], env);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}

const lastLine = (stdout: string): unknown => JSON.parse(stdout.trim().split("\n").at(-1)!);

const memoryOf = (request: FakeChatRequest) => request.messages?.at(-1)?.content ?? "";

describe("brain enrich, embed, suggestions, accept, reject", () => {
  it("stores suggestions on `brain embed`, leaves the entry as written until `brain accept`", async () => {
    const entry = await json<{ id: number; text: string }>(["capture", "We moved billing to Stripe"]);
    const on = await brain(["enrich", "on"]);
    expect(on.code).toBe(0);
    expect(on.stdout).toContain("Enrichment is on");
    expect(on.stdout).toContain("Model: Ollama qwen3:4b (no Apple Foundation Models helper is configured).");
    ollama.replyStructured((r) =>
      memoryOf(r).includes("Stripe") ? { kind: "decision", tags: ["billing"] } : {},
    );

    const embed = await brain(["embed"]);
    expect(embed.code).toBe(0);
    // Not on a terminal, as in the background job: one JSON line per event, enrichment last.
    expect(lastLine(embed.stdout)).toMatchObject({
      event: "enrich",
      model: "Ollama qwen3:4b",
      enriched: 1,
      suggestions: 2,
      pending: 0,
    });
    expect(await json(["get", String(entry.id)])).toMatchObject({ kind: "note", tags: [], text: entry.text });

    const list = await brain(["suggestions"]);
    expect(list.stdout).toBe(
      [
        `   1  entry ${entry.id}: kind decision`,
        "        We moved billing to Stripe",
        `   2  entry ${entry.id}: tags #billing (not yet in use: #billing)`,
        "        We moved billing to Stripe",
        "",
        "Accept one with `brain accept ID`, reject it with `brain reject ID`.",
        "",
      ].join("\n"),
    );

    const accept = await brain(["accept", "1"]);
    expect([accept.code, accept.stdout]).toEqual([0, `Accepted: entry ${entry.id} is now a decision.\n`]);
    const reject = await brain(["reject", "2"]);
    expect([reject.code, reject.stdout]).toEqual([0, `Rejected suggestion 2 for entry ${entry.id}.\n`]);
    expect(await json(["get", String(entry.id)])).toMatchObject({ kind: "decision", tags: [] });
    expect(await json(["suggestions"])).toEqual({ suggestions: [] });

    const again = await brain(["accept", "1"]);
    expect([again.code, again.stderr]).toEqual([
      1,
      "brain: Suggestion 1 was already accepted. List the suggestions waiting with `brain suggestions`.\n",
    ]);
    const missing = await brain(["reject", "99"]);
    expect([missing.code, missing.stderr]).toEqual([
      1,
      "brain: There is no suggestion with id 99. List the suggestions waiting with `brain suggestions`.\n",
    ]);
  });

  it("loses nothing when Ollama is down: `brain embed` exits 1, and the next run enriches", async () => {
    await json(["capture", "We moved billing to Stripe"]);
    await json(["enrich", "on", "--auto-accept", "kind"]);
    const down = { OLLAMA_HOST: `http://127.0.0.1:${await closedPort()}` };
    const failed = await brain(["embed"], down);
    expect(failed.code).toBe(1);
    expect(lastLine(failed.stdout)).toMatchObject({
      event: "enrich",
      enriched: 0,
      pending: 1,
      errors: [{ entry_id: 1, code: "ollama_unreachable" }],
    });
    expect(await json(["suggestions", "--all"])).toEqual({ suggestions: [] });
    expect(await json<{ waiting: number }>(["enrich"])).toMatchObject({
      enabled: true,
      auto_accept: ["kind"],
      waiting: 1,
    });

    ollama.replyStructured(() => ({ kind: "decision", tags: [] }));
    const ok = await brain(["embed"]);
    expect(ok.code).toBe(0);
    expect(await json(["list"])).toMatchObject([{ kind: "decision", text: "We moved billing to Stripe" }]);
    expect(await json(["suggestions", "--all"])).toMatchObject({
      suggestions: [{ field: "kind", status: "auto_accepted" }],
    });
  });

  it("refuses a wrong --auto-accept with exit 2", async () => {
    const run = await brain(["enrich", "on", "--auto-accept", "kind,title"]);
    expect([run.code, run.stderr]).toEqual([
      2,
      'brain: --auto-accept "title" is not one of kind, tags, none. For example --auto-accept kind,tags.\n',
    ]);
  });
});

describe("brain digest", () => {
  it("summarises the week's entries with their ids, as Markdown and as JSON", async () => {
    const stripe = (await json<{ id: number }>(["capture", "Decided with @maria: billing moves to Stripe"]))
      .id;
    const tax = (await json<{ id: number }>(["capture", "Open: do we need VAT on invoices?"])).id;
    ollama.replyStructured(() => ({
      decisions: [{ text: "Billing moves to Stripe", entry_ids: [stripe, 9999] }],
      open_questions: [{ text: "VAT on invoices?", entry_ids: [tax] }],
      people: [{ text: "maria", entry_ids: [stripe] }],
      topics: [{ text: "made up", entry_ids: [9999] }],
    }));
    const digest = await json<Record<string, unknown>>(["digest", "--since", "7d"]);
    expect(digest).toMatchObject({
      entries: 2,
      summarised: 2,
      model: "Ollama qwen3:4b",
      decisions: [{ text: "Billing moves to Stripe", entry_ids: [stripe] }],
      open_questions: [{ text: "VAT on invoices?", entry_ids: [tax] }],
      people: [{ text: "maria", entry_ids: [stripe] }],
      topics: [],
    });
    const [request] = ollama.requestsTo("/api/chat");
    expect(memoryOf(request!.body as FakeChatRequest)).toContain(`<memory id="${stripe}" date=`);

    const markdown = await brain(["digest"]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain(
      [
        "2 entries captured. Written by Ollama qwen3:4b.",
        "",
        "### Decisions",
        "",
        `- Billing moves to Stripe #${stripe}`,
        "",
        "### Open questions",
        "",
        `- VAT on invoices? #${tax}`,
        "",
        "### People",
        "",
        `- maria #${stripe}`,
      ].join("\n"),
    );
  });

  it("calls no model when nothing was captured, and refuses a bad --since", async () => {
    const empty = await brain(["digest", "--since", "24h"]);
    expect(empty.stdout).toContain("Nothing was captured in this period.");
    expect(ollama.requestsTo("/api/chat")).toHaveLength(0);
    const bad = await brain(["digest", "--since", "last week"]);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      'brain: --since "last week" is not a duration or a past time. For example --since 7d, --since 24h, or --since 2026-11-01.\n',
    ]);
  });
});

describe("brain doctor", () => {
  it("shows Apple Foundation Models answering structured tasks when its helper is ready", async () => {
    const helper = installFakeAppleFm(tempDir(), "ok");
    const run = await brain(["doctor", "--json"], { BRAIN_APPLE_FM_HELPER: helper.path });
    const checks = JSON.parse(run.stdout) as { name: string; status: string; detail: string }[];
    expect(checks.find((c) => c.name === "structured tasks")).toEqual({
      name: "structured tasks",
      status: "ok",
      detail: `Apple Foundation Models (its helper at ${helper.path} reports it ready)`,
    });
  });
});
