import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Brain } from "../src/core/brain.ts";
import { writeEnrichSettings } from "../src/core/enrich/settings.ts";
import { allowHost } from "../src/core/privacy/egress-hosts.ts";
import { ledgerTotals, listLedger } from "../src/core/privacy/egress-ledger.ts";
import { FakeOllamaServer, fetchVia, type FakeChatRequest } from "./support/fake-ollama.ts";
import { testBrain } from "./support/tmp.ts";

/**
 * Every request that carries memory text to a model on another machine has its own ledger row,
 * the ones sent again included: an embedding batch the host rejected, sent again entry by entry;
 * a structured answer that broke the schema, asked for again; a request sent again without
 * `think` to a model that refused it. The rows' count and bytes are what the fake host received.
 */

const REMOTE = "http://gpu-box.test:11434";
let ollama: FakeOllamaServer;

beforeEach(async () => {
  ollama = await FakeOllamaServer.start({ dimensions: 1024 });
});
afterEach(async () => {
  await ollama.close();
});

/** A Brain whose Ollama is on another machine the person allowed, served by the fake. */
function remoteBrain(): Brain {
  const brain = testBrain(
    { ollamaFetch: fetchVia(ollama, REMOTE) },
    { ollamaHost: REMOTE, appleFmHelper: null },
  );
  allowHost(brain.db, "gpu-box.test", new Date());
  return brain;
}

/** The ledger's rows for `subject`, oldest first: entries, bytes, outcome. */
function rowsFor(brain: Brain, subject: string | RegExp) {
  return listLedger(brain.db)
    .reverse()
    .filter((r) => (typeof subject === "string" ? r.subject === subject : subject.test(r.subject)))
    .map((r) => [r.entry_ids, r.bytes, r.outcome]);
}

const utf8 = (texts: string[]) => texts.reduce((sum, t) => sum + Buffer.byteLength(t, "utf8"), 0);

/** The bytes of memory text each /api/embed request carried. */
const embedBytes = () =>
  ollama.requestsTo("/api/embed").map((r) => utf8((r.body as { input: string[] }).input));

/**
 * The bytes of each /api/chat request's messages: all of them (what an ask request's row counts),
 * or the last one (a structured request's input: the memory, what its row counts).
 */
function chatBytes(which: "all" | "last"): number[] {
  return ollama.requestsTo("/api/chat").map((r) => {
    const messages = (r.body as FakeChatRequest).messages ?? [];
    return utf8((which === "all" ? messages : messages.slice(-1)).map((m) => m.content));
  });
}

describe("requests sent again to a model on another machine", () => {
  it("an embedding batch the host rejects, sent again entry by entry: a row per request", async () => {
    const brain = remoteBrain();
    const ids = ["alpha note one", "beta note two", "gamma note three"].map(
      (text) => brain.entries.capture({ text }).entry.id,
    );
    ollama.fail("nan", { times: 1, path: "/api/embed" });
    const report = await brain.embed();

    expect(report).toMatchObject({ embedded: 3, failed: 0 });
    expect(embedBytes()).toEqual([43, 14, 13, 16]);
    expect(rowsFor(brain, "embed")).toEqual([
      [ids, 43, "failed"],
      [[ids[0]], 14, "answered"],
      [[ids[1]], 13, "answered"],
      [[ids[2]], 16, "answered"],
    ]);
    expect(ledgerTotals(brain.db)).toEqual([
      { road: "remote-ollama", calls: 4, bytes: 86, entries: 6, withheld: 0 },
    ]);
  });

  it("a batch with more chunks than one request holds: a row per request, with the chunks' bytes", async () => {
    const brain = remoteBrain();
    // About 40 chunks of 1,200 characters (overlapping by 200): more than one request's 32 texts.
    const words = Array.from({ length: 5_000 }, (_, i) => `word${i}`).join(" ");
    const long = brain.entries.capture({ text: words }).entry.id;
    const short = brain.entries.capture({ text: "a short note" }).entry.id;
    await brain.embed();

    const sent = embedBytes();
    expect(sent).toHaveLength(2);
    expect(rowsFor(brain, "embed")).toEqual([
      [[long], sent[0], "answered"],
      [[long, short], sent[1], "answered"],
    ]);
  });

  it("a structured answer that broke the schema, asked for again: two rows, the first failed", async () => {
    const brain = remoteBrain();
    const helix = brain.entries.capture({ text: "I switched my editor to helix" }).entry.id;
    writeEnrichSettings(brain.db, { enabled: true, auto_accept: [] });
    ollama.replyStructured(() => ({ kind: "note", tags: [] }));
    ollama.fail("schemaViolation", { times: 1, path: "/api/chat" });
    const report = await brain.embed();

    expect(report.enrichment).toMatchObject({ enriched: 1, failed: 0 });
    const [bytes, again] = chatBytes("last");
    expect(again).toBe(bytes);
    expect(rowsFor(brain, `enrich entry ${helix}`)).toEqual([
      [[helix], bytes, "failed"],
      [[helix], bytes, "answered"],
    ]);
  });

  it("a model that refuses `think`, asked again without it: enrichment, ask and the agent record both", async () => {
    const brain = remoteBrain();
    const helix = brain.entries.capture({ text: "I switched my editor to helix" }).entry.id;
    ollama.withoutThinking = ["qwen3:4b"];
    writeEnrichSettings(brain.db, { enabled: true, auto_accept: [] });
    ollama.replyStructured(() => ({ kind: "note", tags: [] }));
    await brain.embed();
    ollama.replyWith("Helix [1].");
    await brain.ask("which editor, helix?");
    ollama.replyTurns([{ content: "Helix." }]);
    await brain.askAgent("which editor do I use?");

    // Each request twice: refused with `think`, then answered without it.
    const thinks = ollama.requestsTo("/api/chat").map((r) => (r.body as { think?: boolean }).think);
    expect(thinks).toEqual([false, undefined, false, undefined, false, undefined]);
    const [enrichBytes] = chatBytes("last");
    const [, , askBytes] = chatBytes("all");
    expect(rowsFor(brain, /^enrich/)).toEqual([
      [[helix], enrichBytes, "failed"],
      [[helix], enrichBytes, "answered"],
    ]);
    expect(rowsFor(brain, "which editor, helix?")).toEqual([
      [[helix], askBytes, "failed"],
      [[helix], askBytes, "answered"],
    ]);
    // The agent's row counts the JSON of its messages and tools: the same both times.
    const agent = rowsFor(brain, "which editor do I use?");
    expect(agent).toEqual([
      [[], agent[0]![1], "failed"],
      [[], agent[0]![1], "answered"],
    ]);
  });

  it("on this machine records nothing, whatever is sent again", async () => {
    const brain = testBrain({}, { ollamaHost: ollama.url, appleFmHelper: null });
    brain.entries.capture({ text: "alpha note one" });
    brain.entries.capture({ text: "beta note two" });
    ollama.withoutThinking = ["qwen3:4b"];
    writeEnrichSettings(brain.db, { enabled: true, auto_accept: [] });
    ollama.replyStructured(() => ({ kind: "note", tags: [] }));
    ollama.fail("nan", { times: 1, path: "/api/embed" });
    await brain.embed();

    expect(ollama.requestsTo("/api/embed")).toHaveLength(3);
    expect(ollama.requestsTo("/api/chat")).toHaveLength(4);
    expect(listLedger(brain.db)).toEqual([]);
  });
});
