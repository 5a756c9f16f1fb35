import { ftsWords, STOPWORDS } from "./fts-query.ts";

// Whether what is left of a question names a subject: what decides if a question with a time or
// a kind is searched by its words or only listed (intent.ts, query-intent.ts).

/**
 * Words that say a question is about one's memory rather than name a subject ("what did I do
 * yesterday", "what happened last week"). A question left with only these and stopwords has no
 * topic: its time and kind are all there is to rank by.
 */
const GENERIC = new Set(
  (
    "do did done doing happen happened happening work worked working capture captured save saved note notes " +
    "noted write wrote written say said talk talked remember thing things anything something everything " +
    "stuff new change changed changes up go going went get got make made"
  ).split(" "),
);

/** True when `text` names a subject: a content word that is neither a stopword nor generic. */
export function hasTopic(text: string): boolean {
  return ftsWords(text).some((w) => !STOPWORDS.has(w) && !GENERIC.has(w));
}

/**
 * True when `text` adds nothing to a question: stopwords only ("on", "what about"), none of them
 * generic ("what did I do" says the question is about one's memory at that time).
 */
export function saysNothing(text: string): boolean {
  return ftsWords(text).every((w) => STOPWORDS.has(w) && !GENERIC.has(w));
}
