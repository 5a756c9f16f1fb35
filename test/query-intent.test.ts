import { describe, expect, it } from "vitest";
import { createOllamaEmbedder } from "../src/core/adapters/ollama-embedder.ts";
import { windowFilters } from "../src/core/search/intent.ts";
import { understandQuery } from "../src/core/search/query-intent.ts";
import { findTimeWindow } from "../src/core/search/time-phrases.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
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
    ["notes from 2026-11-03", "2026-11-03", "2026-11-03..2026-11-03"],
    ["a leap day: 2024-02-29", "2024-02-29", "2024-02-29..2024-02-29"],
    ["anything in December 9999", "in December 9999", "9999-12-01..9999-12-31"],
    ["the last day there is, 9999-12-31", "9999-12-31", "9999-12-31..9999-12-31"],
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

  // Neither moved to another day (2025-02-30 is not 2025-03-02) nor read as 19xx (May 0001 is not
  // May 1901): they stay words of the question, as `--since` refuses them.
  it.each([
    "notes from 2025-02-30",
    "2025-13-45",
    "on 2023-02-29",
    "in May 0001",
    "0001-01-01",
    "decisions in 1969",
    "100 years ago",
    "after December 9999",
  ])("finds no time in %j: no such day, or none a memory can have", (text) => {
    expect(findTimeWindow(text, NOW)).toBeNull();
  });
});

describe("a window at the edge of the years a memory can have", () => {
  it("leaves an edge past 9999 or before 1970 open instead of handing it to --since/--until", () => {
    const december9999 = { from: Date.UTC(9999, 11, 1), to: Date.UTC(10000, 0, 1) };
    expect(windowFilters({}, december9999)).toEqual({ since: new Date(december9999.from) });
    // "in January 1970" read in Berlin starts an hour before 1970 in UTC.
    const january1970 = { from: Date.UTC(1969, 11, 31, 23), to: Date.UTC(1970, 0, 31, 23) };
    expect(windowFilters({ tag: "work" }, january1970)).toEqual({
      tag: "work",
      until: new Date(january1970.to),
    });
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

  it("keeps the words of a question that is only a time, for the entries that say them", () => {
    expect(understandQuery("on Friday", NOW)).toMatchObject({
      timeOnly: true,
      keywordText: "on Friday",
      semanticText: "on Friday",
      summary: "on Friday = 2026-11-27..2026-11-27",
    });
    // Generic words say the question asks about the day: the day alone answers it.
    const asked = understandQuery("what did I do on Friday", NOW);
    expect([asked?.timeOnly, asked?.keywordText]).toEqual([undefined, "what did I do"]);
  });

  it("reads a date the calendar does not have as words, not as another day", () => {
    expect(understandQuery("2025-02-30", NOW)).toBeNull();
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

describe("search with a time the question is made of", () => {
  // Local times, so the days hold in any time zone: Friday 27 November 2026 is the "friday" asked
  // about on Wednesday 2 December.
  const local = (...parts: [number, number, number, number]) => new Date(...parts).toISOString();

  function brainWithFridays(deps: Parameters<typeof testBrain>[0] = {}, config = {}) {
    const brain = testBrain({ clock: new FixedClock(NOW.getTime()), ...deps }, config);
    const id = (text: string, at: string) => brain.entries.capture({ text, at }).entry.id;
    return {
      brain,
      ids: {
        lunch: id("lunch with Anna on Friday", local(2025, 0, 11, 10)),
        milk: id("bought oat milk", local(2026, 10, 27, 12)),
        demo: id("drinks after the Friday demo", local(2026, 10, 27, 18)),
      },
    };
  }

  it("finds the entries that say a time word asked alone, the window's entries first, in every mode", async () => {
    const ollama = await FakeOllamaServer.start();
    try {
      const { brain, ids } = brainWithFridays(
        { embedderFor: (model) => createOllamaEmbedder({ host: ollama.url, model, dimensions: 1024 }) },
        { ollamaHost: ollama.url },
      );
      await brain.embed();
      const found = async (mode: "keyword" | "semantic" | "hybrid") =>
        (await brain.search("friday", { mode })).results.map((r) => [r.id, r.ranks]);
      expect(await found("keyword")).toEqual([
        [ids.demo, { keyword: 1, listed: 1 }],
        [ids.lunch, { keyword: 2 }],
        [ids.milk, { listed: 2 }],
      ]);
      expect(await found("semantic")).toEqual([
        [ids.demo, { semantic: 1, listed: 1 }],
        [ids.milk, { semantic: 3, listed: 2 }],
        [ids.lunch, { semantic: 2 }],
      ]);
      expect(await found("hybrid")).toEqual([
        [ids.demo, { keyword: 1, semantic: 1, listed: 1 }],
        [ids.lunch, { keyword: 2, semantic: 2 }],
        [ids.milk, { semantic: 3, listed: 2 }],
      ]);
    } finally {
      await ollama.close();
    }
  });

  it("answers a time at the end of the calendar instead of failing on a --until never given", async () => {
    const { brain } = brainWithFridays();
    const last = brain.entries.capture({ text: "the very end", at: local(9999, 11, 31, 12) }).entry.id;
    for (const query of ["in December 9999", "9999-12-31"]) {
      const response = await brain.search(query, { mode: "keyword" });
      expect(response.results.map((r) => [r.id, r.ranks])).toEqual([[last, { listed: 1 }]]);
    }
  });

  it("searches a date the calendar does not have, or a year no memory has, as the words typed", async () => {
    const { brain } = brainWithFridays();
    const typo = brain.entries.capture({ text: "invoice dated 2025-02-30 by mistake" }).entry.id;
    const part = brain.entries.capture({ text: "part 0001 arrives in May" }).entry.id;
    const dated = await brain.search("2025-02-30", { mode: "keyword" });
    expect([dated.understood, dated.results.map((r) => r.id)]).toEqual([undefined, [typo]]);
    const may = await brain.search("in May 0001", { mode: "keyword" });
    expect([may.understood, may.results.map((r) => r.id)]).toEqual([undefined, [part]]);
  });

  it("reads --tag as every search does when the question lists entries (#Work is the tag work)", async () => {
    const { brain } = brainWithFridays();
    const plan = brain.entries.capture({ text: "the plan #Work", kind: "decision" }).entry.id;
    for (const tag of ["Work", "#work", "work"]) {
      const response = await brain.search("what did we decide", { mode: "keyword", tag });
      expect(response.results.map((r) => r.id)).toEqual([plan]);
    }
  });

  it("says which list found an entry a question without a topic lists", async () => {
    const { brain, ids } = brainWithFridays();
    const response = await brain.search("what did I write on Friday", { mode: "keyword" });
    expect(response.results.map((r) => [r.id, r.ranks])).toEqual([
      [ids.demo, { listed: 1 }],
      [ids.milk, { listed: 2 }],
    ]);
  });
});
