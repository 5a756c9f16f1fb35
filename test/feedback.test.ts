import { describe, expect, it } from "vitest";
import { feedbackTerms } from "../src/core/search/feedback.ts";
import { rankKeyword } from "../src/core/search/keyword.ts";
import { testBrain } from "./support/tmp.ts";

describe("pseudo-relevance feedback", () => {
  function corpus() {
    const brain = testBrain();
    const add = (text: string) => brain.entries.capture({ text }).entry.id;
    add("boundary layer transition on swept wings at supersonic speed, measured with hot wire probes");
    add("swept wings at supersonic speed: transition moves forward, hot wire probes confirm it");
    const target = add("hot wire probes detect laminar breakdown early");
    for (let i = 0; i < 6; i++) add(`cooking note ${i}: onions, garlic, tomatoes`);
    return { brain, target };
  }

  it("adds the words that weigh most in the best results to a question of four words or more", () => {
    const { brain } = corpus();
    const question = "transition on swept wings at supersonic speed";
    const terms = feedbackTerms(brain.db, question, rankKeyword(brain.db, question, { limit: 10 }));
    expect(terms.slice(0, 3).sort()).toEqual(["hot", "probes", "wire"]);
  });

  it("leaves short queries alone", () => {
    const { brain } = corpus();
    expect(
      feedbackTerms(brain.db, "swept wings", rankKeyword(brain.db, "swept wings", { limit: 10 })),
    ).toEqual([]);
  });

  it("finds through the added words what shares none with the question", async () => {
    const { brain, target } = corpus();
    const response = await brain.search("transition on swept wings at supersonic speed", { mode: "keyword" });
    expect(response.results.map((r) => r.id)).toContain(target);
  });
});
