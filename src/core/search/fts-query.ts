/**
 * Turns what a person typed into an FTS5 MATCH expression that cannot fail. The text is never
 * handed to MATCH raw: it is split into words the way unicode61 splits them, and each word is
 * quoted, so quotes, AND/OR/NOT, `*`, `-`, `:`, parentheses, `c++` or `$100` are only ever
 * words or separators. No words at all means "no keyword query" (null), not an error.
 */

const MAX_TERMS = 32;

// The words unicode61 keeps: letters, digits and combining marks. Everything else separates.
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have how i if in into is it its " +
    "me my of on or our so than that the their them then there these they this to was we were what when where " +
    "which while who whom why will with would you your about any all also"
  ).split(" "),
);

export interface FtsQuery {
  /** Every word must match (implicit AND). */
  all: string;
  /** Any content word may match: the fallback when AND finds too little. Null when it adds nothing. */
  any: string | null;
  terms: string[];
}

/**
 * @param prefix treat the last word as a prefix (search as you type)
 *
 * @example
 * buildFtsQuery('c++ "AND" (pnpm', { prefix: true })
 * // { all: '"c" "pnpm"*', any: '"c" OR "pnpm"*', terms: ["c", "pnpm"] }
 */
export function buildFtsQuery(input: string, options: { prefix?: boolean } = {}): FtsQuery | null {
  const typed = ftsWords(input);
  // A one-letter prefix after other words ("migrate a" while typing "migrate api") would match
  // every word with that letter first: FTS5 has no one-letter prefix index and merges them all
  // (60-100 ms at 100k entries). It counts from its second letter on.
  // The words before it were finished (a space followed them): none is a prefix then.
  const waiting = options.prefix === true && typed.length > 1 && typed[typed.length - 1]!.length === 1;
  const words = waiting ? typed.slice(0, -1) : typed;
  const prefix = options.prefix === true && !waiting;
  if (words.length === 0) return null;
  const quote = (term: string, i: number) => `"${term}"${i === words.length - 1 && prefix ? "*" : ""}`;
  const quoted = words.map((term, i) => ({ term, text: quote(term, i) }));
  // Stopwords carry no meaning and match nearly every entry; they are dropped unless nothing else
  // is left ("to do" stays "to do"). The word being typed is always kept.
  const content = quoted.filter(({ term }, i) => (i === words.length - 1 && prefix) || !STOPWORDS.has(term));
  const kept = content.length > 0 ? content : quoted;
  const all = kept.map((q) => q.text).join(" ");
  const any = kept.length > 1 ? kept.map((q) => q.text).join(" OR ") : null;
  return { all, any, terms: kept.map((q) => q.term) };
}

/**
 * The words of `input` as FTS5's unicode61 tokenizer sees them (lower case, at most 32), each safe
 * to quote in a MATCH expression.
 *
 * @example
 * ftsWords("C++ and (pnpm)") // ["c", "and", "pnpm"]
 */
export function ftsWords(input: string): string[] {
  return (input.normalize("NFKC").toLowerCase().match(WORD) ?? []).slice(0, MAX_TERMS);
}

/** How many words `input` has, as unicode61 splits them (no cap). */
export function countWords(input: string): number {
  return input.match(WORD)?.length ?? 0;
}
