import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildFtsQuery } from "../src/core/search/fts-query.ts";
import { runBrain } from "./support/cli.ts";
import { tempDir, testBrain } from "./support/tmp.ts";

/**
 * Text with fullwidth letters, ligatures or circled digits is indexed as written (unicode61 applies
 * no NFKC), while the query is read through NFKC: a word NFKC changes is looked up in both forms.
 */
describe("keyword search finds words written in compatibility forms", () => {
  function brainWithForms() {
    const brain = testBrain();
    const id = (text: string) => brain.entries.capture({ text }).entry.id;
    return {
      brain,
      ids: {
        fullwidth: id("fullwidth ＡＰＩ note"),
        api: id("plain api note"),
        gateway: id("the api gateway design"),
        ligature: id("the ﬁnance report"),
        finance: id("finance plan for the year"),
        circled: id("step ① is done"),
        one: id("step 1 is done"),
        other: id("step 1 of the other list"),
      },
    };
  }

  it("finds an entry by the exact word pasted from it, that form first, highlighted as written", async () => {
    const { brain, ids } = brainWithForms();
    const search = (query: string) => brain.search(query, { mode: "keyword" });
    // The form as written is rarer than its NFKC twin in this collection: its BM25 weight ranks it first.
    const api = await search("ＡＰＩ");
    expect(api.results.map((r) => r.id)).toEqual([ids.fullwidth, ids.api, ids.gateway]);
    expect(api.results.map((r) => r.snippet)).toEqual([
      "fullwidth **ＡＰＩ** note",
      "plain **api** note",
      "the **api** gateway design",
    ]);
    const finance = await search("ﬁnance");
    expect(finance.results.map((r) => [r.id, r.snippet])).toEqual([
      [ids.ligature, "the **ﬁnance** report"],
      [ids.finance, "**finance** plan for the year"],
    ]);
    const circled = await search("①");
    expect(circled.results.map((r) => r.id)).toEqual([ids.circled, ids.one, ids.other]);
    expect(circled.results[0]!.snippet).toBe("step **①** is done");
  });

  it("matches both forms next to other words, in the any-word fallback and as you type", async () => {
    const { brain, ids } = brainWithForms();
    // The entry with both words first, then (the fallback) the entries with one.
    const both = await brain.search("fullwidth ＡＰＩ", { mode: "keyword" });
    expect(both.results.map((r) => r.id)).toEqual([ids.fullwidth, ids.api, ids.gateway]);
    expect(both.results[0]!.snippet).toBe("**fullwidth** **ＡＰＩ** note");
    // No entry has both words: each is found by the word it has, in the form it has it.
    const some = await brain.search("ＡＰＩ budget", { mode: "keyword" });
    expect(some.results.map((r) => r.id)).toEqual([ids.fullwidth, ids.api, ids.gateway]);
    expect(some.results[0]!.snippet).toBe("fullwidth **ＡＰＩ** note");
    const typing = await brain.search("fullwidth ＡＰ", { mode: "keyword", prefix: true });
    expect(typing.results.map((r) => [r.id, r.snippet])).toEqual([
      [ids.fullwidth, "**fullwidth** **ＡＰＩ** note"],
    ]);
    const alone = await brain.search("ﬁn", { mode: "keyword", prefix: true });
    expect(alone.results.map((r) => r.id)).toEqual([ids.finance, ids.ligature]);
  });

  it("finds a fullwidth word by its plain letters too, once the index holds a fullwidth word", async () => {
    const { brain, ids } = brainWithForms();
    const plain = await brain.search("api", { mode: "keyword" });
    expect(plain.results.map((r) => [r.id, r.snippet])).toEqual([
      [ids.fullwidth, "fullwidth **ＡＰＩ** note"],
      [ids.api, "plain **api** note"],
      [ids.gateway, "the **api** gateway design"],
    ]);
    const typing = await brain.search("ap", { mode: "keyword", prefix: true });
    expect(typing.results.map((r) => r.id)).toEqual([ids.gateway, ids.api, ids.fullwidth]);
    const fallback = await brain.search("api budget", { mode: "keyword" });
    expect(fallback.results.map((r) => r.id)).toEqual([ids.fullwidth, ids.api, ids.gateway]);

    // Another process writes the first fullwidth word into a brain that had none: the next search sees it.
    const db = path.join(tempDir(), "brain.db");
    expect((await runBrain(["capture", "plain api note"], { db })).code).toBe(0);
    const open = testBrain({}, { dbPath: db });
    expect((await open.search("api", { mode: "keyword" })).results.map((r) => r.id)).toEqual([1]);
    expect((await runBrain(["capture", "ＡＰＩ keys rotated"], { db })).code).toBe(0);
    expect((await open.search("api", { mode: "keyword" })).results.map((r) => r.id)).toEqual([2, 1]);
  });

  it("looks a plain word up in fullwidth only when asked, and only a word of ASCII letters and digits", () => {
    expect(buildFtsQuery("api notes")!.forms).toEqual(["api", "notes"]);
    expect(buildFtsQuery("api café 2026", { fullwidth: true })).toEqual({
      all: '("api" OR "ａｐｉ") AND "café" AND ("2026" OR "２０２６")',
      any: '"api" OR "ａｐｉ" OR "café" OR "2026" OR "２０２６"',
      terms: ["api", "café", "2026"],
      forms: ["api", "ａｐｉ", "café", "2026", "２０２６"],
    });
    expect(buildFtsQuery("ＡＰ", { prefix: true, fullwidth: true })!.all).toBe('"ap"* OR "ａｐ"*');
  });

  it("spells AND out only next to a word in two forms, and adds no form that unicode61 folds alike", () => {
    expect(buildFtsQuery("ＡＰＩ notes")).toEqual({
      all: '("api" OR "ａｐｉ") AND "notes"',
      any: '"api" OR "ａｐｉ" OR "notes"',
      terms: ["api", "notes"],
      forms: ["api", "ａｐｉ", "notes"],
    });
    expect(buildFtsQuery("ＡＰ", { prefix: true })).toEqual({
      all: '"ap"* OR "ａｐ"*',
      any: null,
      terms: ["ap"],
      forms: ["ap", "ａｐ"],
    });
    // A decomposed "é" is the same token to unicode61: a second phrase would count it twice.
    expect(buildFtsQuery("cafe\u0301 notes")).toEqual({
      all: '"café" "notes"',
      any: '"café" OR "notes"',
      terms: ["café", "notes"],
      forms: ["café", "notes"],
    });
  });

  it("never turns a fullwidth quote, operator or bracket into MATCH syntax", async () => {
    const { brain, ids } = brainWithForms();
    for (const query of [
      "＂ＡＰＩ",
      "ＡＰＩ ＯＲ",
      "ＮＯＴ ＡＰＩ",
      "ＮＥＡＲ（ＡＰＩ note）",
      "ＡＰＩ＊",
      "ｔｅｘｔ：ＡＰＩ",
      "＾ＡＰＩ",
    ]) {
      const { results } = await brain.search(query, { mode: "keyword" });
      expect(results.map((r) => r.id)).toContain(ids.fullwidth);
      // As you type every word must match ("not", "near"...): none may fail.
      await expect(brain.search(query, { mode: "keyword", prefix: true })).resolves.toMatchObject({
        mode: "keyword",
      });
    }
  });

  it("finds it from the command line, as pasted", async () => {
    const db = path.join(tempDir(), "brain.db");
    expect((await runBrain(["capture", "fullwidth ＡＰＩ note", "--json"], { db })).code).toBe(0);
    expect((await runBrain(["capture", "plain notes"], { db })).code).toBe(0);
    const found = await runBrain(["search", "ＡＰＩ", "--mode", "keyword", "--json"], { db });
    expect(found).toMatchObject({ code: 0, stderr: "" });
    const { results } = JSON.parse(found.stdout) as { results: { id: number; snippet: string }[] };
    expect(results.map((r) => [r.id, r.snippet])).toEqual([[1, "fullwidth **ＡＰＩ** note"]]);
  });
});
