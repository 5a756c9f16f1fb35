import type { Db } from "../db/index.ts";
import { entriesById, ftsWordCountsIn } from "../store/index.ts";
import { LONG_QUESTION_WORDS } from "./feedback.ts";
import { buildFtsQuery, countWords } from "./fts-query.ts";
import type { KeywordRank } from "./keyword.ts";

/**
 * The lead of a document: in an entry of this many words or more (an abstract, an article, an
 * imported page), the first sentence is its title or says what it is about, and a question's
 * words found there count more (the title field of BM25F, without a column of its own). In a
 * shorter note the first sentence is just a sentence: on the personal-notes set a lead for
 * entries of 30 words or more lowered keyword nDCG@10 0.438 -> 0.398, and a markdown heading
 * ("# Billing v2", a project's umbrella note) pulled the project note above the one fact asked
 * about. None of that set's notes reaches 60 words; Cranfield's abstracts, whose first sentence
 * is the paper's title, mostly do.
 */
export const LEAD_MIN_WORDS = 60;
/** A first sentence longer than this is not a title. */
export const LEAD_MAX_WORDS = 40;
/**
 * How much a lead counts against the ranking: a result at 0-based position i scores
 * 1 / (LEAD_K + i + 1), plus LEAD_WEIGHT / (LEAD_K + 1) times its lead's share of the question's
 * words over the best lead's. Chosen on Cranfield: keyword nDCG@10 0.371 -> 0.385 (ARCHITECTURE, "A document's lead").
 */
export const LEAD_K = 20;
export const LEAD_WEIGHT = 0.3;

/**
 * The first sentence of an entry of at least LEAD_MIN_WORDS words, or null. A sentence ends at
 * `.`, `?` or `!` before a space or the end (an ellipsis "..." does not end one), or at the end
 * of the first line: a first line of its own ("# Call with Anna", "Notes from the offsite") is
 * the entry's title.
 *
 * @example
 * leadOf("wing flutter at supersonic speed . " + "the model was tested ".repeat(15)) // "wing flutter at supersonic speed ."
 */
export function leadOf(text: string): string | null {
  if (countWords(text) < LEAD_MIN_WORDS) return null;
  const firstLine = text.trim().split("\n", 1)[0]!;
  const sentence = /^.*?[^.][.?!](?=\s|$)/.exec(firstLine)?.[0] ?? firstLine;
  return countWords(sentence) > LEAD_MAX_WORDS ? null : sentence;
}

/**
 * The ranking with the leads' matches counted in, for a question of LONG_QUESTION_WORDS content
 * words or more (not while typing). Ranks are returned as they are when no result's lead has a
 * word of the question.
 */
export function withLead(db: Db, question: string, ranks: KeywordRank[], typing: boolean): KeywordRank[] {
  const words = buildFtsQuery(question)?.terms ?? [];
  if (typing || words.length < LONG_QUESTION_WORDS || ranks.length === 0) return ranks;
  const entries = entriesById(
    db,
    ranks.map((r) => r.id),
  );
  const leads = new Map<number, string>();
  for (const [id, entry] of entries) {
    const lead = leadOf(entry.text);
    if (lead !== null) leads.set(id, lead);
  }
  const found = ftsWordCountsIn(db, leads, words);
  const best = Math.max(0, ...found.values());
  if (best === 0) return ranks;
  return ranks
    .map((r, i) => ({
      ...r,
      score: 1 / (LEAD_K + i + 1) + (LEAD_WEIGHT * (found.get(r.id) ?? 0)) / best / (LEAD_K + 1),
    }))
    .sort((a, b) => b.score - a.score);
}
