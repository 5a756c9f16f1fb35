import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBrain, type Brain } from "../src/core/brain.ts";
import type { BrainConfig } from "../src/core/base/config.ts";
import { digestMarkdown } from "../src/core/enrich/digest-format.ts";
import { enrichAfterEmbed } from "../src/core/enrich/job.ts";
import { writeEnrichSettings } from "../src/core/enrich/settings.ts";
import { listSuggestions } from "../src/core/enrich/store.ts";
import { acceptSuggestion, rejectSuggestion } from "../src/core/enrich/suggestions.ts";
import { allowHost } from "../src/core/privacy/egress-hosts.ts";
import { listLedger } from "../src/core/privacy/egress-ledger.ts";
import { installFakeAppleFm } from "./support/fake-apple-fm.ts";
import { FakeOllamaServer, fetchVia, type FakeChatRequest } from "./support/fake-ollama.ts";
import { failure } from "./support/errors.ts";
import { FixedClock } from "./support/fixed-clock.ts";
import { closedPort } from "./support/net.ts";
import { tempDir, testConfig } from "./support/tmp.ts";

let ollama: FakeOllamaServer;
let config: BrainConfig;
const opened: Brain[] = [];

beforeEach(async () => {
  ollama = await FakeOllamaServer.start();
  config = testConfig({ ollamaHost: ollama.url, appleFmHelper: null });
});

afterEach(async () => {
  for (const brain of opened.splice(0)) brain.close();
  await ollama.close();
});

function open(overrides: Partial<BrainConfig> = {}): Brain {
  const brain = createBrain({ ...config, ...overrides });
  opened.push(brain);
  return brain;
}

/** The memory text a structured request carried. */
const memoryOf = (request: FakeChatRequest) => request.messages?.at(-1)?.content ?? "";

/** The "Tags in use: …" lines the enrichment requests carried, without repeats. */
const tagLines = () => [
  ...new Set(ollama.requestsTo("/api/chat").map((r) => memoryOf(r.body as FakeChatRequest).split("\n")[0])),
];

/**
 * Two public entries tagged #work and one #health; #health also on a private entry, with private
 * tags of its own. Counted over every entry, #health would tie #work; over the public ones it is behind.
 */
function captureTagged(brain: Brain): void {
  brain.entries.capture({ text: "standup moved to 10am #work" });
  brain.entries.capture({ text: "sprint review on friday #work" });
  brain.entries.capture({ text: "blood test booked for monday #health" });
  brain.entries.capture({ text: "biopsy results came back #private #oncology-lymphoma #health" });
  brain.entries.capture({ text: "moving in with Sam #private/affair-with-sam" });
}

/** Answers enrichment requests by the words in the memory. */
function answerBy(rules: [string, object][]) {
  ollama.replyStructured((request) => {
    const rule = rules.find(([word]) => memoryOf(request).includes(word));
    return rule ? rule[1] : { kind: "note", tags: [] };
  });
}

const rows = (brain: Brain, table: string) => brain.db.prepare(`SELECT * FROM ${table}`).all();
const suggestionsOf = (brain: Brain) =>
  listSuggestions(brain.db, { all: true }).map((s) => ({
    entry: s.entry_id,
    field: s.field,
    value: s.value,
    detail: s.detail,
    status: s.status,
  }));

function enrichOn(brain: Brain, autoAccept: ("kind" | "tags")[] = []) {
  writeEnrichSettings(brain.db, { enabled: true, auto_accept: autoAccept });
}

describe("enrichment after embedding", () => {
  it("stores suggestions for entries without a kind or tags and never changes what the person wrote", async () => {
    const brain = open();
    const stripe = brain.entries.capture({ text: "We moved billing to Stripe" }).entry;
    const invoices = brain.entries.capture({ text: "invoices go out monthly #billing" }).entry;
    const decided = brain.entries.capture({ text: "Postgres it is", kind: "decision", tags: ["db"] }).entry;
    enrichOn(brain);
    answerBy([
      ["Stripe", { kind: "decision", tags: ["Billing", "payments", "#billing"] }],
      ["invoices", { kind: "fact", tags: ["finance"] }],
    ]);
    const report = await brain.embed();

    expect(report.enrichment).toMatchObject({
      model: "Ollama qwen3:4b",
      enriched: 2,
      suggestions: 3,
      pending: 0,
    });
    expect(suggestionsOf(brain)).toEqual([
      { entry: stripe.id, field: "kind", value: "decision", detail: undefined, status: "pending" },
      {
        entry: stripe.id,
        field: "tags",
        value: ["billing", "payments"],
        detail: { new_tags: ["payments"] },
        status: "pending",
      },
      { entry: invoices.id, field: "kind", value: "fact", detail: undefined, status: "pending" },
    ]);
    // Only the two eligible entries were sent, each once, with the tags in use offered.
    const asked = ollama.requestsTo("/api/chat").map((r) => memoryOf(r.body as FakeChatRequest));
    expect(asked).toHaveLength(2);
    expect(asked[0]).toContain("Tags in use: billing, db");
    expect(asked.join()).not.toContain("Postgres");
    expect([
      brain.entries.get(stripe.id),
      brain.entries.get(invoices.id),
      brain.entries.get(decided.id),
    ]).toEqual([stripe, invoices, decided]);
    expect(rows(brain, "entry_history")).toEqual([]);

    await brain.embed();
    expect(ollama.requestsTo("/api/chat")).toHaveLength(2); // each entry is looked at once
  });

  it("offers a model on this machine every tag in use, #private ones included", async () => {
    const brain = open();
    captureTagged(brain);
    enrichOn(brain);
    ollama.replyStructured(() => ({ kind: "note", tags: [] }));
    const report = await brain.embed();

    expect(report.enrichment).toMatchObject({ enriched: 5, withheld: 0 });
    expect(tagLines()).toEqual([
      "Tags in use: health, work, oncology-lymphoma, private, private/affair-with-sam",
    ]);
    expect(listLedger(brain.db)).toEqual([]);
  });

  it("applies a suggestion only when accepted, keeping the old value in history; a rejected one changes nothing", async () => {
    const brain = open();
    const entry = brain.entries.capture({ text: "We moved billing to Stripe" }).entry;
    enrichOn(brain);
    answerBy([["Stripe", { kind: "decision", tags: ["billing"] }]]);
    await brain.embed();
    const [kind, tags] = listSuggestions(brain.db);
    const deps = { db: brain.db, entries: brain.entries, now: () => Date.now() };

    expect(acceptSuggestion(deps, kind!.id).entry).toMatchObject({
      id: entry.id,
      kind: "decision",
      tags: [],
    });
    expect(brain.entries.history(entry.id)).toMatchObject([{ kind: "note", text: entry.text, tags: [] }]);
    expect(rejectSuggestion(deps, tags!.id).status).toBe("rejected");
    expect(brain.entries.get(entry.id).tags).toEqual([]);
    expect((await failure(Promise.resolve().then(() => acceptSuggestion(deps, kind!.id)))).message).toBe(
      "Suggestion 1 was already accepted.",
    );
    expect(listSuggestions(brain.db)).toEqual([]);
  });

  it("suggests a title for a long entry; accepting it makes the title the first line", async () => {
    const brain = open();
    const text =
      `Notes from the planning meeting. ${"We walked through the roadmap item by item. ".repeat(8)}`.trim();
    const entry = brain.entries.capture({ text, tags: ["planning"] }).entry;
    enrichOn(brain);
    ollama.replyStructured(() => ({ kind: "note", tags: [], title: "Q3 roadmap   planning" }));
    await brain.embed();
    const [request] = ollama.requestsTo("/api/chat");
    expect(Object.keys((request!.body as { format: { properties: object } }).format.properties)).toEqual([
      "kind",
      "tags",
      "title",
    ]);
    const [title] = listSuggestions(brain.db);
    expect(title).toMatchObject({ field: "title", value: "Q3 roadmap planning" });
    acceptSuggestion({ db: brain.db, entries: brain.entries, now: () => Date.now() }, title!.id);
    expect(brain.entries.get(entry.id).text).toBe(`# Q3 roadmap planning\n\n${text}`);
  });

  it("proposes a key when a keyed preference is on the same subject; accepting makes it that key's newest value", async () => {
    const brain = open();
    const vim = brain.entries.capture({ text: "my editor is vim", kind: "preference", key: "editor" }).entry;
    const helix = brain.entries.capture({ text: "I switched my editor to helix" }).entry;
    enrichOn(brain);
    answerBy([["helix", { kind: "preference", tags: [], same_subject_key: "editor" }]]);
    await brain.embed();

    // The keyed entry (no tags) is looked at too, without itself as a candidate.
    const requests = ollama
      .requestsTo("/api/chat")
      .map((r) => r.body as FakeChatRequest & { format: { properties: { same_subject_key?: unknown } } });
    expect(requests.map((r) => r.format.properties.same_subject_key === undefined)).toEqual([true, false]);
    const request = requests[1]!;
    expect(request.format.properties.same_subject_key).toEqual({ type: "string", enum: ["editor", "none"] });
    expect(memoryOf(request)).toContain("Keyed memories:\n- editor: my editor is vim");
    const key = listSuggestions(brain.db).find((s) => s.field === "key")!;
    expect(key).toMatchObject({ entry_id: helix.id, value: "editor", detail: { entry_id: vim.id } });

    const result = acceptSuggestion({ db: brain.db, entries: brain.entries, now: () => Date.now() }, key.id);
    expect(result).toMatchObject({
      merged_from: helix.id,
      entry: { id: vim.id, key: "editor", text: "I switched my editor to helix" },
    });
    expect(brain.entries.history(vim.id).map((h) => h.text)).toEqual(["my editor is vim"]);
    expect(brain.entries.find(helix.id)).toBeNull();
  });

  it("auto-accepts kinds and tags already in use when set to; tags not yet in use still wait", async () => {
    const brain = open();
    brain.entries.capture({ text: "the billing cron runs at 2am", kind: "fact", tags: ["billing"] });
    const a = brain.entries.capture({ text: "We moved billing to Stripe" }).entry;
    const b = brain.entries.capture({ text: "Try the new espresso place" }).entry;
    enrichOn(brain, ["kind", "tags"]);
    answerBy([
      ["Stripe", { kind: "decision", tags: ["billing"] }],
      ["espresso", { kind: "note", tags: ["coffee"] }],
    ]);
    const report = await brain.embed();
    expect(report.enrichment).toMatchObject({ suggestions: 3, auto_accepted: 2 });
    expect(brain.entries.get(a.id)).toMatchObject({ kind: "decision", tags: ["billing"] });
    expect(brain.entries.get(b.id)).toMatchObject({ kind: "note", tags: [] });
    expect(listSuggestions(brain.db).map((s) => [s.entry_id, s.field, s.value])).toEqual([
      [b.id, "tags", ["coffee"]],
    ]);
  });

  it("loses nothing when Ollama is down: no entry is marked, and the next run enriches them", async () => {
    const down = open({ ollamaHost: `http://127.0.0.1:${await closedPort()}` });
    const entry = down.entries.capture({ text: "We moved billing to Stripe" }).entry;
    enrichOn(down);
    const report = await down.embed();
    expect(report.enrichment).toMatchObject({
      enriched: 0,
      pending: 1,
      errors: [{ entry_id: entry.id, code: "ollama_unreachable" }],
    });
    expect(rows(down, "enriched")).toEqual([]);
    expect(rows(down, "suggestions")).toEqual([]);
    down.close();

    const up = open();
    answerBy([["Stripe", { kind: "decision", tags: [] }]]);
    expect((await up.embed()).enrichment).toMatchObject({ enriched: 1, suggestions: 1, pending: 0 });
    expect(suggestionsOf(up)).toMatchObject([{ entry: entry.id, field: "kind", value: "decision" }]);
  });

  it("records an entry whose answers stay invalid as failed, not retried, and goes on to the next", async () => {
    const brain = open();
    const bad = brain.entries.capture({ text: "first entry" }).entry;
    const good = brain.entries.capture({ text: "second entry about Stripe" }).entry;
    enrichOn(brain);
    answerBy([["Stripe", { kind: "decision", tags: [] }]]);
    ollama.fail("invalidJson", { times: 2, path: "/api/chat" });
    const report = await brain.embed();
    expect(report.enrichment).toMatchObject({ enriched: 1, failed: 1, pending: 0 });
    expect(brain.db.prepare("SELECT entry_id, outcome FROM enriched ORDER BY entry_id").all()).toEqual([
      { entry_id: bad.id, outcome: "failed" },
      { entry_id: good.id, outcome: "suggested" },
    ]);
    await brain.embed();
    expect(ollama.requestsTo("/api/chat")).toHaveLength(3);
  });

  it("does nothing while the setting is off", async () => {
    const brain = open();
    brain.entries.capture({ text: "We moved billing to Stripe" });
    const report = await brain.embed();
    expect(report.enrichment).toBeUndefined();
    expect(ollama.requestsTo("/api/chat")).toHaveLength(0);
  });

  it("enriches #private entries with Apple FM on this Mac", async () => {
    const helper = installFakeAppleFm(tempDir(), "ok", { kind: "state", tags: ["health"] });
    const brain = open({ appleFmHelper: helper.path });
    const entry = brain.entries.capture({ text: "blood pressure is fine again #private" }).entry;
    enrichOn(brain);
    await brain.embed();
    expect(suggestionsOf(brain)).toMatchObject([{ entry: entry.id, field: "kind", value: "state" }]);
    expect(helper.requests().map((r) => r.op)).toEqual(["availability", "generate"]);
    expect(ollama.requestsTo("/api/chat")).toHaveLength(0);
  });
});

describe("a structured model on another machine: through the privacy gate", () => {
  const REMOTE = "http://gpu-box.test:11434";
  function openRemote(clock?: FixedClock): Brain {
    const brain = createBrain(
      { ...config, ollamaHost: REMOTE },
      { ollamaFetch: fetchVia(ollama, REMOTE), ...(clock ? { clock } : {}) },
    );
    opened.push(brain);
    return brain;
  }

  it("sends nothing to a host that was not allowed: enrichment says why, the digest refuses", async () => {
    const brain = openRemote();
    brain.entries.capture({ text: "We moved billing to Stripe" });
    enrichOn(brain);
    const outcome = await enrichAfterEmbed({
      db: brain.db,
      entries: brain.entries,
      now: () => Date.now(),
      route: () => brain.structured(),
      egress: brain.egress,
    });
    expect(outcome).toEqual({
      skipped:
        "Ollama at http://gpu-box.test:11434 is not on this machine, so nothing was sent there. " +
        "If you trust that host with your memories, allow it with `brain cloud allow-host gpu-box.test:11434` " +
        "(#private memories are never sent; `brain cloud hosts` lists allowed hosts, `brain cloud revoke-host HOST` withdraws); " +
        "or point OLLAMA_HOST at a local Ollama.",
    });
    const error = await failure(brain.digest({ since: "7d" }));
    expect(error.code).toBe("remote_host_not_allowed");
    expect(error.hint).toContain("brain cloud allow-host gpu-box.test:11434");
    expect(ollama.requests).toEqual([]);
    expect(listLedger(brain.db)).toEqual([]);
  });

  it("once allowed, enriches without #private entries or #private context and records each request", async () => {
    const brain = openRemote();
    allowHost(brain.db, "gpu-box.test", new Date());
    brain.entries.capture({ text: "my editor is vim #private", kind: "preference", key: "editor" });
    const secret = brain.entries.capture({ text: "blood pressure is fine again #private" }).entry;
    const helix = brain.entries.capture({ text: "I switched my editor to helix" }).entry;
    enrichOn(brain);
    answerBy([["helix", { kind: "preference", tags: [] }]]);
    const report = await brain.embed();

    // The private note waits for a model on this machine; the private keyed preference is held back
    // from the context of the entry that was sent.
    expect(report.enrichment).toMatchObject({ enriched: 1, withheld: 1, pending: 1 });
    const sent = JSON.stringify(ollama.requestsTo("/api/chat").map((r) => r.body));
    expect(sent).toContain("I switched my editor to helix");
    expect(sent).not.toContain("vim");
    expect(sent).not.toContain("blood pressure");
    // Only the private entries carry a tag (#private itself): none is named to the host.
    expect(tagLines()).toEqual(["Tags in use: (none yet)"]);
    const rows = listLedger(brain.db).filter((r) => r.subject.startsWith("enrich"));
    expect(rows.map((r) => [r.road, r.destination, r.subject, r.entry_ids, r.withheld, r.outcome])).toEqual([
      ["remote-ollama", "gpu-box.test:11434", `enrich entry ${helix.id}`, [helix.id], 1, "answered"],
    ]);
    expect(rows[0]!.bytes).toBeGreaterThan(Buffer.byteLength(helix.text));
    expect(suggestionsOf(brain).map((x) => x.entry)).not.toContain(secret.id);
  });

  it("names to it only the tags of entries it may read, ranked by those alone, never #private", async () => {
    const brain = openRemote();
    allowHost(brain.db, "gpu-box.test", new Date());
    captureTagged(brain);
    enrichOn(brain);
    ollama.replyStructured(() => ({ kind: "note", tags: [] }));
    const report = await brain.embed();

    expect(report.enrichment).toMatchObject({ enriched: 3, withheld: 2 });
    expect(ollama.requestsTo("/api/chat")).toHaveLength(3);
    expect(tagLines()).toEqual(["Tags in use: work, health"]);
  });

  it("once allowed, writes the digest from the entries that may go, and says how many were withheld", async () => {
    // The clock does not move: the digest counts what was captured in its own millisecond too.
    const clock = new FixedClock();
    const brain = openRemote(clock);
    allowHost(brain.db, "gpu-box.test", clock.now());
    brain.entries.capture({ text: "Salary: I earn 250k #private" });
    const open = brain.entries.capture({
      text: "We decided to move billing to Stripe",
      kind: "decision",
    }).entry;
    ollama.replyStructured(() => ({
      decisions: [{ text: "Billing moves to Stripe", entry_ids: [open.id] }],
      open_questions: [],
      people: [],
      topics: [],
    }));
    const digest = await brain.digest({ since: "7d" });

    expect(digest).toMatchObject({ entries: 2, summarised: 1, withheld: 1 });
    expect(digestMarkdown(digest).split("\n")[2]).toBe(
      "2 entries captured. Written by Ollama qwen3:4b. 1 private memory withheld.",
    );
    expect(digest.decisions).toEqual([{ text: "Billing moves to Stripe", entry_ids: [open.id] }]);
    expect(JSON.stringify(ollama.requestsTo("/api/chat").map((r) => r.body))).not.toContain("250k");
    const [row] = listLedger(brain.db);
    expect(row).toMatchObject({
      road: "remote-ollama",
      entry_ids: [open.id],
      withheld: 1,
      outcome: "answered",
    });
    expect(row!.subject).toMatch(/^digest since \d{4}-\d{2}-\d{2}T/);
  });
});
