import type { Kind } from "../store/index.ts";
import { saysNothing } from "./topic.ts";
import { findTimeWindow, type TimeWindow } from "./time-phrases.ts";

/**
 * What a question says besides its topic: a time ("last week") and the kind of memory it is after
 * ("what did we decide" → decisions). Both are soft: search ranks entries that fit them higher and
 * never drops the others. The words that carry only time or intent are left out of the keywords,
 * so "decide" does not have to appear in the text that answers.
 */
export interface QueryUnderstanding {
  /** The time named, as a window of days. */
  time?: TimeWindow;
  /** Kinds preferred, best first. */
  kinds?: Kind[];
  /**
   * An FTS5 expression for the words with which a text states the intent itself ("decided",
   * "prefer"): an entry saved as a note that says so counts as the kind asked for.
   */
  says?: string;
  /**
   * The question is its time phrase and nothing more ("friday", "in March", "what about May 2025";
   * not "what did I do on Friday", which asks about that day): its words may as well be the subject
   * ("lunch with Anna on Friday"), so they are searched as text too, and the window's entries are
   * listed besides.
   */
  timeOnly?: true;
  /** The text keyword search matches: the question without its time and intent words (or all of it). */
  keywordText: string;
  /** The text meaning search embeds: the question without its time words (or all of it). */
  semanticText: string;
  /** What was understood, for a person: "last week = 2026-11-23..2026-11-29; decisions first". */
  summary: string;
}

interface Intent {
  kinds: Kind[];
  /** FTS5 terms (stemmed by the index) for a text that states the intent. */
  says: string;
  /** Matches the words that carry the intent (removed from the keywords). */
  words: RegExp;
  label: string;
}

const INTENTS: Intent[] = [
  {
    kinds: ["decision"],
    says: '"decide" OR "decision" OR "agreed" OR "settled" OR "chose" OR "chosen"',
    words: /\b(?:decid(?:e|ed|es|ing)|decisions?|(?:agreed?|settled?) on|cho(?:se|sen|ose))\b/giu,
    label: "decisions first",
  },
  {
    kinds: ["preference", "fact"],
    says: '"prefer" OR "preference" OR "favourite" OR "favorite"',
    words:
      /\b(?:prefer(?:s|red|ence|ences)?|favou?rites?|(?<=\b(?:do|did|am|are|should) (?:i|we) )(?:use|using|like))\b/giu,
    label: "preferences and facts first",
  },
];

/**
 * Reads the time and the intent of a question, against `now` (the clock port's time). Returns null
 * when the question names neither, so the caller searches the text as it is.
 *
 * @example
 * understandQuery("what did we decide about billing last week?", new Date("2026-12-02T10:00"))
 * // { keywordText: "what did we about billing ?", kinds: ["decision"],
 * //   summary: "last week = 2026-11-23..2026-11-29; decisions first", ... }
 */
export function understandQuery(text: string, now: Date): QueryUnderstanding | null {
  const time = findTimeWindow(text, now) ?? undefined;
  const withoutTime = time ? `${text.slice(0, time.start)} ${text.slice(time.end)}` : text;
  const intent = INTENTS.find((i) => new RegExp(i.words.source, "iu").test(withoutTime));
  if (!time && !intent) return null;
  const timeOnly = !intent && saysNothing(withoutTime);
  const searched = timeOnly ? text : withoutTime;
  const keywordText = intent ? searched.replace(intent.words, " ") : searched;
  const parts = [
    ...(time ? [`${time.phrase.trim()} = ${time.label}`] : []),
    ...(intent ? [intent.label] : []),
  ];
  return {
    ...(time ? { time } : {}),
    ...(intent ? { kinds: intent.kinds, says: intent.says } : {}),
    ...(timeOnly ? { timeOnly } : {}),
    keywordText: tidy(keywordText),
    semanticText: tidy(searched),
    summary: parts.join("; "),
  };
}

const tidy = (s: string) => s.replace(/\s+/g, " ").trim();
