import type { Entry, Kind } from "../core/store/index.ts";
import type { ResultRanks } from "../core/search/index.ts";

const UNITS: [number, string][] = [
  [365 * 24 * 3600, "y"],
  [30 * 24 * 3600, "mo"],
  [7 * 24 * 3600, "w"],
  [24 * 3600, "d"],
  [3600, "h"],
  [60, "m"],
];

/**
 * A short age like "5m", "3h", "2d", "4mo"; "now" under a minute.
 *
 * @example
 * age("2025-01-01T00:00:00Z", new Date("2025-01-03T01:00:00Z")); // "2d"
 */
export function age(iso: string | Date, now: Date = new Date()): string {
  const seconds = Math.max(0, (now.getTime() - new Date(iso).getTime()) / 1000);
  for (const [size, unit] of UNITS) if (seconds >= size) return `${Math.floor(seconds / size)}${unit}`;
  return "now";
}

/**
 * An age for a sentence: "just now", "5m ago", "3d ago".
 *
 * @example
 * ago("2025-01-01T00:00:00Z", new Date("2025-01-03T01:00:00Z")); // "2d ago"
 */
export function ago(iso: string | Date, now: Date = new Date()): string {
  const short = age(iso, now);
  return short === "now" ? "just now" : `${short} ago`;
}

/**
 * Which lists found a search result and at what rank, e.g. "keyword #1 · meaning #3".
 *
 * @example
 * foundBy({ keyword: 1, semantic: 3 }); // "keyword #1 · meaning #3"
 */
export function foundBy(ranks: ResultRanks): string {
  const parts: string[] = [];
  if (ranks.keyword !== undefined) parts.push(`keyword #${ranks.keyword}`);
  if (ranks.semantic !== undefined) parts.push(`meaning #${ranks.semantic}`);
  if (ranks.listed !== undefined) parts.push(`listed #${ranks.listed}`);
  return parts.join(" · ");
}

/**
 * The first line of a text, cut to `max` characters (at a word when one ends near): a list item's title.
 *
 * @example
 * firstLine("Switched to pnpm\nbecause of disk space"); // "Switched to pnpm"
 */
export function firstLine(text: string, max = 90): string {
  const line = text.trim().split("\n")[0]?.trim() ?? "";
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}

/**
 * The web addresses in an entry: its source when that is one, then those in its text.
 *
 * @example
 * urlsIn({ text: "see https://sqlite.org/wal.html.", source: null }); // ["https://sqlite.org/wal.html"]
 */
export function urlsIn(entry: Pick<Entry, "text" | "source">): string[] {
  const found = [entry.source ?? "", ...(entry.text.match(/https?:\/\/[^\s<>()"'`]+/g) ?? [])]
    .map((url) => url.replace(/[.,;:!?\]]+$/, ""))
    .filter((url) => /^https?:\/\/\S+$/.test(url));
  return [...new Set(found)];
}

/**
 * Tags typed into a field: separated by commas or spaces, with or without `#`.
 *
 * @example
 * parseTags("#work, ideas  later"); // ["work", "ideas", "later"]
 */
export function parseTags(input: string): string[] {
  return input
    .split(/[\s,]+/)
    .map((tag) => tag.replace(/^#+/, "").trim())
    .filter((tag) => tag !== "");
}

/** A word for each kind, for titles and toasts: "Saved decision #12". */
export const KIND_TITLES: Record<Kind, string> = {
  note: "Note",
  fact: "Fact",
  preference: "Preference",
  decision: "Decision",
  state: "State",
};

/**
 * What a toast says was saved: the kind, the id and the start of the text.
 *
 * @example
 * savedMessage({ id: 12, kind: "note", text: "Switched to pnpm" }); // { title: "Saved note #12", message: "Switched to pnpm" }
 */
export function savedMessage(entry: Pick<Entry, "id" | "kind" | "text">): { title: string; message: string } {
  return { title: `Saved ${entry.kind} #${entry.id}`, message: firstLine(entry.text, 120) };
}

/**
 * Markdown with every image turned into a link. Raycast fetches an image's address as soon as a
 * view shows it: a model's answer or digest (which any imported note can steer) could put memory
 * text into such an address and have it sent without a click, and a memory's own image would
 * tell its host when the memory is read. A link goes out only when the person opens it.
 *
 * @example
 * imagesAsLinks("see ![chart](https://x.example/c.png)") // "see [image: chart](https://x.example/c.png)"
 */
export function imagesAsLinks(markdown: string): string {
  return markdown.replace(/!\[([^\]]*)\]/g, "[image: $1]");
}
