/**
 * Turns what a person typed into an FTS5 MATCH expression that cannot fail. The text is never
 * handed to MATCH raw: it is split into words the way unicode61 splits them, and each word is
 * quoted, so quotes, AND/OR/NOT, `*`, `-`, `:`, parentheses, `c++` or `$100` are only ever
 * words or separators. No words at all means "no keyword query" (null), not an error.
 *
 * The index keeps text as it was written and unicode61 does not apply NFKC: a note with "ＡＰＩ",
 * "ﬁnance" or "①" has those tokens, not "api", "finance" or "1". So a word that NFKC changes is
 * looked up in both forms (see queryWords). The other way round, a word typed in plain letters or
 * digits also looks up its fullwidth spelling ("api" finds "ＡＰＩ") when the index holds any
 * fullwidth word (store's hasFullwidthWords, passed as `fullwidth`).
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
  /** Every word must match (AND), in either of its forms. */
  all: string;
  /** Any content word may match: the fallback when AND finds too little. Null when it adds nothing. */
  any: string | null;
  /** The kept words as NFKC reads them, one per word typed: what the word is, for counting. */
  terms: string[];
  /** Every form of the kept words, each once: what the any-word fallback looks up. */
  forms: string[];
}

/**
 * @param prefix treat the last word as a prefix (search as you type)
 * @param fullwidth also look each plain ASCII word up in fullwidth letters and digits
 *
 * @example
 * buildFtsQuery('c++ "AND" (pnpm', { prefix: true })
 * // { all: '"c" "pnpm"*', any: '"c" OR "pnpm"*', terms: ["c", "pnpm"], forms: ["c", "pnpm"] }
 * buildFtsQuery("ＡＰＩ notes")
 * // { all: '("api" OR "ａｐｉ") AND "notes"', any: '"api" OR "ａｐｉ" OR "notes"', terms: ["api", "notes"], ... }
 */
export function buildFtsQuery(
  input: string,
  options: { prefix?: boolean; fullwidth?: boolean } = {},
): FtsQuery | null {
  const typed = queryWords(input, options.fullwidth === true);
  // A one-letter prefix after other words ("migrate a" while typing "migrate api") would match
  // every word with that letter first: FTS5 has no one-letter prefix index and merges them all
  // (60-100 ms at 100k entries). It counts from its second letter on.
  // The words before it were finished (a space followed them): none is a prefix then.
  const waiting = options.prefix === true && typed.length > 1 && typed[typed.length - 1]!.term.length === 1;
  const words = waiting ? typed.slice(0, -1) : typed;
  const prefix = options.prefix === true && !waiting;
  if (words.length === 0) return null;
  const quoted = words.map((word, i) => ({
    ...word,
    phrases: word.forms.map((form) => `"${form}"${i === words.length - 1 && prefix ? "*" : ""}`),
  }));
  // Stopwords carry no meaning and match nearly every entry; they are dropped unless nothing else
  // is left ("to do" stays "to do"). The word being typed is always kept.
  const content = quoted.filter(({ term }, i) => (i === words.length - 1 && prefix) || !STOPWORDS.has(term));
  const kept = content.length > 0 ? content : quoted;
  return {
    ...matchExpressions(kept.map((q) => q.phrases)),
    terms: kept.map((q) => q.term),
    forms: [...new Set(kept.flatMap((q) => q.forms))],
  };
}

/**
 * The all-words and any-word expressions for words given as their phrases, one per form (a word in
 * two forms matches either). A word alone keeps its OR bare: keyword.ts reads a lone prefix by its
 * last `*`.
 */
function matchExpressions(words: string[][]): { all: string; any: string | null } {
  const either = (phrases: string[]) => phrases.join(" OR ");
  if (words.length === 1) return { all: either(words[0]!), any: null };
  // FTS5's implicit AND joins phrases only: next to a parenthesised OR it has to be spelt out.
  const grouped = words.map((phrases) => (phrases.length > 1 ? `(${either(phrases)})` : phrases[0]!));
  const and = words.some((phrases) => phrases.length > 1) ? " AND " : " ";
  return { all: grouped.join(and), any: words.map(either).join(" OR ") };
}

/**
 * The words of `input` (ftsWords), each with the forms it may take in the index: itself, and the
 * word as typed when NFKC changed it ("ＡＰＩ" is "api" and "ａｐｉ"). Both forms are OR'ed in the
 * MATCH expression: BM25 of an OR adds up its phrases, and a note has the one it was written with,
 * so each keeps the weight of its own form (a rare "①" above a common "1"). A change NFC undoes
 * too (a decomposed "é") is not a second form: unicode61 folds both alike, and a second phrase
 * that matches the same tokens would count the word twice. A typed word NFKC splits ("½" is
 * "1⁄2") keeps its NFKC words alone.
 */
function queryWords(input: string, fullwidth: boolean): { term: string; forms: string[] }[] {
  const terms = ftsWords(input);
  const lower = input.toLowerCase();
  const withWide = (term: string, forms: string[]) => {
    const wide = fullwidth ? fullwidthForm(term) : null;
    return { term, forms: wide && !forms.includes(wide) ? [...forms, wide] : forms };
  };
  // Most queries have nothing NFKC changes: one pass tells, before any word is looked at.
  if (lower.normalize("NFKC") === lower.normalize("NFC")) return terms.map((term) => withWide(term, [term]));
  const typed = new Map<string, Set<string>>();
  // Each typed word is one NFKC word or more: the first MAX_TERMS cover every term.
  for (const word of (lower.match(WORD) ?? []).slice(0, MAX_TERMS)) {
    const nfkc = ftsWords(word);
    if (nfkc.length !== 1 || nfkc[0] === word.normalize("NFC")) continue;
    typed.set(nfkc[0]!, (typed.get(nfkc[0]!) ?? new Set()).add(word));
  }
  return terms.map((term) => withWide(term, [term, ...(typed.get(term) ?? [])]));
}

/**
 * A word of ASCII letters and digits in fullwidth ones, as unicode61 keeps them (lower case:
 * "ａｐｉ"); null for any other word.
 *
 * @example
 * fullwidthForm("api2") // "ａｐｉ２"
 */
export function fullwidthForm(term: string): string | null {
  if (!/^[a-z0-9]+$/.test(term)) return null;
  return String.fromCharCode(...[...term].map((c) => c.charCodeAt(0) + 0xfee0));
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
