import { describe, expect, it } from "vitest";
import { understandQuery } from "../src/core/search/query-intent.ts";
import { findTimeWindow } from "../src/core/search/time-phrases.ts";
import { FixedClock } from "./support/fixed-clock.ts";
import { testBrain } from "./support/tmp.ts";

// Wednesday 2 December 2026, 10:00 local time: labels are local days, so they hold in any time zone.
const NOW = new Date(2026, 11, 2, 10);

describe("time named in words", () => {
  it.each([
    ["what did we decide last week?", "last week", "2026-11-23..2026-11-29"],
    ["what did I capture yesterday", "yesterday", "2026-12-01..2026-12-01"],
    ["the day before yesterday", "the day before yesterday", "2026-11-30..2026-11-30"],
    ["notes from two days ago", "two days ago", "2026-11-30..2026-11-30"],
    ["a week ago", "a week ago", "2026-11-23..2026-11-29"],
    ["what happened this year", "this year", "2026-01-01..2026-12-31"],
    ["earlier this month", "earlier this month", "2026-12-01..2026-12-31"],
    ["what changed since Monday", "since Monday", "2026-11-30..2026-12-02"],
    ["what did I write on Tuesday", "on Tuesday", "2026-12-01..2026-12-01"],
    ["the billing sync in March", "in March", "2026-03-01..2026-03-31"],
    ["the billing sync in December", "in December", "2026-12-01..2026-12-31"],
    ["anything in May 2025", "in May 2025", "2025-05-01..2025-05-31"],
    ["decisions in 2025", "in 2025", "2025-01-01..2025-12-31"],
    ["in the last 3 weeks", "in the last 3 weeks", "2026-11-11..2026-12-02"],
    ["over the past two months", "over the past two months", "2026-10-02..2026-12-02"],
    ["the past week", "the past week", "2026-11-25..2026-12-02"],
    ["last weekend", "last weekend", "2026-11-28..2026-11-29"],
    ["since last month", "since last month", "2026-11-01..2026-12-02"],
    ["after March", "after March", "2026-04-01..2026-12-02"],
    ["what did I note on 2026-11-03", "on 2026-11-03", "2026-11-03..2026-11-03"],
  ])("%s → %s = %s", (text, phrase, label) => {
    const window = findTimeWindow(text, NOW);
    expect({ phrase: window?.phrase, label: window?.label }).toEqual({ phrase, label });
  });

  it.each([
    "before the launch",
    "Q3 planning",
    "weekly sync on Tuesdays",
    "what may I expense",
    "the 2019 monolith",
    "Berlin Marathon",
  ])("finds no time in %j", (text) => {
    expect(findTimeWindow(text, NOW)).toBeNull();
  });
});

describe("understanding a question", () => {
  it("reads time and intent, and leaves their words out of the keywords only", () => {
    const u = understandQuery("What did we decide about billing last week?", NOW);
    expect(u).toMatchObject({
      kinds: ["decision"],
      keywordText: "What did we about billing ?",
      semanticText: "What did we decide about billing ?",
      summary: "last week = 2026-11-23..2026-11-29; decisions first",
    });
  });

  it("prefers preferences and facts for what I prefer or use", () => {
    expect(understandQuery("what editor do I use", NOW)?.kinds).toEqual(["preference", "fact"]);
    expect(understandQuery("what do I prefer for coffee", NOW)?.keywordText).toBe("what do I for coffee");
  });

  it("returns null for a question with neither", () => {
    expect(understandQuery("How does SKIP LOCKED work as a job queue?", NOW)).toBeNull();
  });
});

describe("search with time and intent", () => {
  function brainWithHistory() {
    const clock = new FixedClock("2026-12-02T10:00:00Z");
    const brain = testBrain({ clock });
    const at = (day: string) => `${day}T10:00:00Z`;
    const old = brain.entries.capture({
      text: "billing moves to stripe",
      kind: "decision",
      at: at("2026-10-01"),
    });
    const sync = brain.entries.capture({ text: "billing sync: invoices late", at: at("2026-11-24") });
    const decided = brain.entries.capture({
      text: "postgres for the ledger",
      kind: "decision",
      at: at("2026-11-25"),
    });
    const lunch = brain.entries.capture({ text: "lunch about billing", at: at("2026-12-01") });
    return {
      brain,
      ids: { old: old.entry.id, sync: sync.entry.id, decided: decided.entry.id, lunch: lunch.entry.id },
    };
  }

  it("answers a question with a time and no subject from the window, the asked kind first", async () => {
    const { brain, ids } = brainWithHistory();
    const response = await brain.search("what did we decide last week?", { mode: "keyword" });
    expect(response.results.map((r) => r.id)).toEqual([ids.decided, ids.sync]);
    expect(response.understood?.summary).toBe("last week = 2026-11-23..2026-11-29; decisions first");
  });

  it("lists the kinds asked for in their order, then notes that say they decided or prefer", async () => {
    const { brain, ids } = brainWithHistory();
    const at = (day: string) => `${day}T10:00:00Z`;
    const said = brain.entries.capture({ text: "road bike? decided against it", at: at("2026-11-23") });
    const decisions = await brain.search("what did we decide last week?", { mode: "keyword" });
    expect(decisions.results.map((r) => r.id)).toEqual([ids.decided, said.entry.id, ids.sync]);
    const fact = brain.entries.capture({ text: "desk: 160 cm", kind: "fact", at: at("2026-11-27") });
    const pref = brain.entries.capture({ text: "tea, green", kind: "preference", at: at("2026-11-24") });
    const likes = brain.entries.capture({ text: "my favourite mug is the blue one", at: at("2026-11-26") });
    const preferences = await brain.search("what were my preferences last week?", { mode: "keyword" });
    expect(preferences.results.map((r) => r.id)).toEqual([
      pref.entry.id,
      fact.entry.id,
      likes.entry.id,
      ids.decided,
      ids.sync,
      said.entry.id,
    ]);
  });

  it("answers an intent without a time or a subject from every entry, the asked kind first", async () => {
    const { brain, ids } = brainWithHistory();
    const response = await brain.search("what did we decide?", { mode: "keyword" });
    expect(response.results.map((r) => r.id)).toEqual([ids.decided, ids.old, ids.lunch, ids.sync]);
    expect(response.understood?.summary).toBe("decisions first");
  });

  it("ranks the window first but keeps what lies outside it (a soft boost)", async () => {
    const { brain, ids } = brainWithHistory();
    const response = await brain.search("billing last week", { mode: "keyword" });
    expect(response.results[0]!.id).toBe(ids.sync);
    expect(response.results.map((r) => r.id).sort()).toEqual([ids.old, ids.sync, ids.lunch].sort());
  });

  it("does not require the intent word in the text", async () => {
    const { brain, ids } = brainWithHistory();
    const response = await brain.search("what did we decide about billing", { mode: "keyword" });
    expect(response.results[0]!.id).toBe(ids.old);
    expect(response.results).toHaveLength(3);
  });

  it("keeps --since and --until hard", async () => {
    const { brain, ids } = brainWithHistory();
    const response = await brain.search("billing last week", { mode: "keyword", since: "2026-11-30" });
    expect(response.results.map((r) => r.id)).toEqual([ids.lunch]);
  });

  it("stays literal while typing", async () => {
    const { brain } = brainWithHistory();
    const response = await brain.search("billing last week", { mode: "keyword", prefix: true });
    expect(response.understood).toBeUndefined();
    expect(response.results).toEqual([]);
  });
});
