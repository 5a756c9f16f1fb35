import { describe, expect, it } from "vitest";
import type { Embedder } from "../src/core/base/ports.ts";
import { embedPass } from "../src/core/embed/embedder.ts";
import { keywordSearch } from "../src/core/search/keyword.ts";
import { tidyKeywordIndex } from "../src/core/store/fts.ts";
import { testBrain } from "./support/tmp.ts";

const WORDS = ["postgres", "billing", "meeting", "deploy", "cache", "release", "pricing", "review"];

/** A brain whose keyword index holds one large segment and then many small ones, as captures make. */
function fragmentedBrain() {
  const brain = testBrain();
  brain.entries.captureMany(
    Array.from({ length: 2000 }, (_, i) => ({
      text: `${WORDS[i % 8]} note ${i} about ${WORDS[(i * 3) % 8]}`,
    })),
  );
  for (let i = 0; i < 300; i++) brain.entries.capture({ text: `later ${WORDS[i % 8]} capture ${i}` });
  return brain;
}

const rankings = (brain: ReturnType<typeof testBrain>) =>
  ["postgres", "billing later", "capture 17", "review note", "deploy 99"].map((q) =>
    keywordSearch(brain.db, q, { limit: 20 }).map((h) => [h.entry.id, h.score, h.snippet]),
  );

describe("tidying the keyword index", () => {
  it("merges the segments captures leave, in steps, without changing a result", () => {
    const brain = fragmentedBrain();
    expect(brain.db.prepare("SELECT v FROM entries_fts_config WHERE k = 'usermerge'").pluck().get()).toBe(2);
    const before = rankings(brain);
    expect(tidyKeywordIndex(brain.db)).toBeGreaterThan(0);
    // Nothing is left to merge, and the index is whole.
    expect(tidyKeywordIndex(brain.db)).toBe(0);
    brain.db.exec("INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)");
    expect(rankings(brain)).toEqual(before);
    // At most `maxSteps` steps a call.
    for (let i = 0; i < 300; i++) brain.entries.capture({ text: `again ${WORDS[i % 8]} ${i}` });
    expect(tidyKeywordIndex(brain.db, 1)).toBe(1);
  });

  it("is done by every embedder pass, also when the model cannot be reached", async () => {
    const brain = fragmentedBrain();
    const down: Embedder = {
      model: "m",
      embed: async () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:11434");
      },
    };
    await embedPass(brain.db, brain.config.dbPath, { embedder: down, now: () => Date.now() });
    expect(tidyKeywordIndex(brain.db)).toBe(0);
  });
});
