import { describe, expect, it } from "vitest";
import { rankKeyword } from "../src/core/search/keyword.ts";
import { LEAD_MIN_WORDS, leadOf } from "../src/core/search/lead.ts";
import { ftsWordCountsIn } from "../src/core/store/scratch-fts.ts";
import { testBrain } from "./support/tmp.ts";

/** `n` words that share nothing with the questions below. */
const filler = (n: number) =>
  Array.from({ length: n }, (_, i) => `tunnel${i % 7} model`)
    .join(" ")
    .split(" ")
    .slice(0, n)
    .join(" ");

describe("a document's lead", () => {
  it("is the first sentence of an entry of LEAD_MIN_WORDS words or more, and nothing in a shorter one", () => {
    const body = ` ${filler(LEAD_MIN_WORDS)}.`;
    expect(leadOf(`Flutter of swept wings at supersonic speed .${body}`)).toBe(
      "Flutter of swept wings at supersonic speed .",
    );
    expect(leadOf(`  Does flutter grow with speed? It does.${body}`)).toBe("Does flutter grow with speed?");
    // An ellipsis does not end the sentence.
    expect(leadOf(`TIL: SELECT ... FOR UPDATE SKIP LOCKED works.${body}`)).toBe(
      "TIL: SELECT ... FOR UPDATE SKIP LOCKED works.",
    );
    // A first line of its own is the title, with or without a full stop.
    expect(leadOf(`# Call with Anna\nShe approved the budget. ${filler(LEAD_MIN_WORDS)}.`)).toBe(
      "# Call with Anna",
    );
    expect(leadOf(`Offsite notes\n\n${filler(LEAD_MIN_WORDS)}.`)).toBe("Offsite notes");
    expect(leadOf("Flutter of swept wings at supersonic speed. A short note.")).toBeNull();
    // A first sentence of more than 40 words is not a title.
    expect(leadOf(`${filler(45)}. ${filler(30)}.`)).toBeNull();
  });

  it("words are counted in given texts as the keyword index stems them, and nothing is left behind", () => {
    const brain = testBrain();
    const counts = ftsWordCountsIn(
      brain.db,
      new Map([
        [7, "The wing flutters at supersonic speeds."],
        [9, "Nothing here."],
      ]),
      ["wings", "flutter", "speed", "hypersonic"],
    );
    expect([...counts]).toEqual([
      [7, 3],
      [9, 0],
    ]);
    expect(brain.db.prepare("SELECT count(*) AS n FROM temp.entry_snippets").get()).toEqual({ n: 0 });
    expect(brain.db.prepare("SELECT count(*) AS n FROM entries").get()).toEqual({ n: 0 });
  });

  function corpus() {
    const brain = testBrain();
    const add = (text: string) => brain.entries.capture({ text }).entry.id;
    const body = add(
      `Wind tunnel week, day three. ${filler(30)} flutter of swept wings at supersonic speed, ` +
        `then flutter of swept wings at supersonic speed again. ${filler(30)}.`,
    );
    const titled = add(`Flutter of swept wings at supersonic speed. ${filler(70)}.`);
    for (let i = 0; i < 6; i++) add(`cooking note ${i}: onions, garlic, tomatoes`);
    return { brain, body, titled };
  }

  it("puts the document whose first sentence has the question's words above one that only repeats them", async () => {
    const { brain, body, titled } = corpus();
    const question = "flutter of swept wings at supersonic speed";
    expect(rankKeyword(brain.db, question, { limit: 10 }).map((r) => r.id)).toEqual([body, titled]);
    const found = await brain.search(question, { mode: "keyword" });
    expect(found.results.map((r) => r.id)).toEqual([titled, body]);
    expect(found.results[0]!.relevance).toBe(1);
  });

  it("leaves a question of fewer than four content words, and typing, as BM25 ranks them", async () => {
    const { brain, body, titled } = corpus();
    expect(
      (await brain.search("supersonic wings flutter", { mode: "keyword" })).results.map((r) => r.id),
    ).toEqual([body, titled]);
    const typing = await brain.search("flutter of swept wings at supersonic spe", {
      mode: "keyword",
      prefix: true,
    });
    expect(typing.results.map((r) => r.id)).toEqual([body, titled]);
  });
});
