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
  // The same two words with and without a time phrase, run in pairs (alternating which goes first)
  // so that a busy machine slows both alike; the cost of the time is each pair's difference.
  const { a: plain, b: timed } = await pairedRuns(
    300,
    (i) => brain.search(question(i), { mode: "keyword" }),
    (i) => brain.search(`${question(i)} ${PHRASES[i % 6]}`, { mode: "keyword" }),
  );
  rows.push(row("keyword search, two words", size, plain));
  rows.push(row("keyword search, two words + a time phrase", size, timed, "", "the window's list runs too"));
  rows.push(
    row(
      "what the time phrase adds to that search (difference per pair)",
      size,
      timed.map((t, i) => t - plain[i]!),
      "p50 < 0.5 ms",
    ),
  );
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

/** Times `a` and `b` on the same `i`, one right after the other, alternating which runs first. */
async function pairedRuns(
  runs: number,
  a: (i: number) => unknown,
  b: (i: number) => unknown,
): Promise<{ a: number[]; b: number[] }> {
  const times = { a: [] as number[], b: [] as number[] };
  const time = async (fn: (i: number) => unknown, i: number) => {
    const start = performance.now();
    await fn(i);
    return performance.now() - start;
  };
  for (let i = 0; i < 3; i++) {
    await a(i);
    await b(i);
  }
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      times.a.push(await time(a, i));
      times.b.push(await time(b, i));
    } else {
      times.b.push(await time(b, i));
      times.a.push(await time(a, i));
    }
  }
  return times;
}
