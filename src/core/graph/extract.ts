/**
 * What a memory's text links to, read with plain patterns (no model):
 *
 * - `#tag`           a tag (the entry's tags, see text.ts)                 -> mention edge to a tag node
 * - `@maria`         a person (letters, digits, `_ - .`; not an e-mail)    -> mention edge to a person node
 * - `[[Billing v2]]` a title (Obsidian style; `[[T|alias]]`, `[[T#part]]`) -> mention edge to a title node
 * - `https://…`      a URL                                                 -> reference edge to a URL node
 * - `entry:42`       another memory by id                                  -> reference edge to entry 42
 */

export interface TextLinks {
  people: string[];
  titles: string[];
  urls: string[];
  entryIds: number[];
}

const PERSON = /(?<![\p{L}\p{N}_.@/+-])@([\p{L}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?)(?![\p{L}\p{N}_/@])/gu;
const TITLE_LINK = /(?<!!)\[\[([^[\]\n]+?)\]\]/g;
const URL = /\bhttps?:\/\/[^\s<>()[\]"'`]+(?:\([^\s<>()[\]"'`]*\)[^\s<>()[\]"'`]*)*/gi;
const ENTRY_REF = /(?<![\p{L}\p{N}_])entry:(\d{1,15})(?![\p{N}])/gu;

/** The longest title or person name kept; longer ones are not names. */
const MAX_NAME = 200;

/**
 * The people, titles, URLs and entry ids a text links to, each once, in order of appearance.
 *
 * @example
 * extractLinks("@maria chose Postgres, see [[Billing v2]] and entry:12")
 * // { people: ["maria"], titles: ["Billing v2"], urls: [], entryIds: [12] }
 */
export function extractLinks(text: string): TextLinks {
  const people = unique([...text.matchAll(PERSON)].map((m) => normalizePerson(m[1] ?? "")));
  const titles = unique(
    [...text.matchAll(TITLE_LINK)].map((m) => normalizeTitle(m[1] ?? "")),
    (t) => t.toLowerCase(),
  );
  const urls = unique(
    [...text.matchAll(URL)].map((m) => normalizeUrl(trimUrl(m[0]))),
    (u) => u.toLowerCase(),
  );
  const entryIds = [...new Set([...text.matchAll(ENTRY_REF)].map((m) => Number(m[1])))].filter(
    (id) => id > 0 && Number.isSafeInteger(id),
  );
  return { people, titles, urls, entryIds };
}

/**
 * A person's name as stored: lower case, no leading `@`, no trailing punctuation.
 *
 * @example
 * normalizePerson("@Maria.") // "maria"
 */
export function normalizePerson(raw: string): string | null {
  const name = raw
    .trim()
    .replace(/^@+/, "")
    .replace(/[.-]+$/, "")
    .toLowerCase();
  return name.length > 0 && name.length <= MAX_NAME && /^[\p{L}_]/u.test(name) ? name : null;
}

/**
 * A link target as stored: the part before `|alias` and `#heading`, spaces collapsed; a trailing
 * `.md` is dropped so `[[Billing v2.md]]` and `[[Billing v2]]` are one title. Case is kept for
 * display; titles compare without case.
 *
 * @example
 * normalizeTitle(" Billing  v2#Open questions|the plan ") // "Billing v2"
 */
export function normalizeTitle(raw: string): string | null {
  const target = (raw.split("|", 1)[0] ?? "").split("#", 1)[0] ?? "";
  const title = target
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\.(md|markdown|txt)$/i, "");
  return title.length > 0 && title.length <= MAX_NAME ? title : null;
}

/**
 * The titles an entry answers to, so `[[that title]]` finds it: the file name of an imported
 * file (its first part), a first line that is a Markdown heading, or the first line of a
 * several-line note when it is short (up to 120 characters). At most two, without repeats.
 *
 * @example
 * entryTitles({ text: "# Billing v2\n\nPostgres.", source: null }) // ["Billing v2"]
 */
export function entryTitles(entry: { text: string; source: string | null }): string[] {
  const titles: (string | null)[] = [];
  const file = entry.source ? /^file:(.+)#1$/.exec(entry.source) : null;
  if (file?.[1]) titles.push(normalizeTitle(baseName(file[1])));
  const newline = entry.text.indexOf("\n");
  const first = (newline === -1 ? entry.text : entry.text.slice(0, newline)).trim();
  const heading = /^#{1,6}\s+(.+?)\s*#*$/.exec(first);
  if (heading?.[1]) titles.push(normalizeTitle(heading[1]));
  else if (newline !== -1 && first.length <= 120)
    titles.push(normalizeTitle(first.replace(/^title:\s*/i, "")));
  return unique(titles, (t) => t.toLowerCase()).slice(0, 2);
}

function baseName(filePath: string): string {
  const name = filePath.slice(Math.max(filePath.lastIndexOf("/"), filePath.lastIndexOf("\\")) + 1);
  return name.replace(/\.[^.]+$/, "");
}

/**
 * A URL as a node's name: without the `/` that ends its path when nothing follows (no `?query`,
 * no `#fragment`), so `https://stripe.com/` and `https://stripe.com` are one node, as
 * `https://stripe.com/docs/` and `https://stripe.com/docs` are. Node names compare without case,
 * so `HTTPS://STRIPE.COM` is that node too. Migration 017 brought stored names to this form.
 *
 * @example
 * normalizeUrl(" https://stripe.com/ ") // "https://stripe.com"
 */
export function normalizeUrl(url: string): string {
  const trimmed = url.trim();
  return /[?#]/.test(trimmed) ? trimmed : trimmed.replace(/\/+$/, "");
}

/** A URL without the sentence punctuation that followed it. */
function trimUrl(url: string): string {
  return url.replace(/[.,;:!?*_~]+$/, "");
}

function unique(values: (string | null)[], key: (v: string) => string = (v) => v): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of values) {
    if (value === null || seen.has(key(value))) continue;
    seen.add(key(value));
    out.push(value);
  }
  return out;
}
