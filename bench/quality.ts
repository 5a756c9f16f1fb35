import { understandQuery } from "../src/core/search/query-intent.ts";
import { row, timeRuns, type Row } from "./lib.ts";
import { queryWords, type BenchDb } from "./store.ts";

const PHRASES = ["in March 2025", "last month", "since June", "two weeks ago", "this year", "in 2025"];

/**
 * Memory quality: what reading time and intent from a question costs (alone, and as the
 * difference between the same search with and without a time phrase), the capture path with its
 * duplicate check, and a natural-language question that gets pseudo-relevance feedback.
 */
export async function benchQuality(db: BenchDb): Promise<Row[]> {
  const size = db.size.toLocaleString("en");
  const words = queryWords(db, 300);
  const { brain } = db;
  const question = (i: number) => `${words[i]} ${words[(i + 1) % 300]}`;
  const now = new Date();
  const rows: Row[] = [
    row(
      "understanding a question (time + intent), alone",
      size,
      await timeRuns(2000, (i) =>
        understandQuery(`what did we decide about ${question(i % 300)} ${PHRASES[i % 6]}`, now),
      ),
      "p50 < 0.5 ms",
    ),
  ];
  const plain = await timeRuns(300, (i) => brain.search(question(i), { mode: "keyword" }));
  const timed = await timeRuns(300, (i) =>
    brain.search(`${question(i)} ${PHRASES[i % 6]}`, { mode: "keyword" }),
  );
  rows.push(row("keyword search, two words", size, plain));
  rows.push(row("keyword search, two words + a time phrase", size, timed, "", "the window's list runs too"));
  const five = await timeRuns(300, (i) =>
    brain.search(`${question(i)} ${words[(i + 2) % 300]} ${words[(i + 3) % 300]} ${words[(i + 4) % 300]}`, {
      mode: "keyword",
    }),
  );
  rows.push(row("keyword search, five words (feedback)", size, five));
  const texts = brain.entries.list({ limit: 200 });
  rows.push(
    row(
      "capture with the duplicate check, new text",
      size,
      await timeRuns(300, (i) => brain.entries.capture({ text: `quality bench ${i} ${words[i % 300]}` })),
      "p50 < 1 ms",
    ),
    row(
      "capture of a text already saved",
      size,
      await timeRuns(300, (i) =>
        brain.entries.capture({ text: texts[i % texts.length]!.text, kind: texts[i % texts.length]!.kind }),
      ),
      "p50 < 1 ms",
      "answers duplicate",
    ),
  );
  return rows;
}
