import type { Entry } from "../core/store/index.ts";
import type { SearchResult } from "../core/search/index.ts";

/**
 * How the MCP server shows memories to a model: compact lines that always carry the id, so the
 * model can `get`, relate or forget what it found. Text goes in `content`, the same data as
 * fields in `structuredContent`.
 */

/** Longest text shown for one entry in a list; `get` shows the whole text. */
export const LIST_TEXT_CHARS = 400;

/** An entry without its content hash: what a client gets as structured data. */
export type EntryData = Omit<Entry, "hash">;

/** The structured form of an entry. */
export function entryData(entry: Entry): EntryData {
  return {
    id: entry.id,
    kind: entry.kind,
    key: entry.key,
    text: entry.text,
    tags: entry.tags,
    source: entry.source,
    pinned: entry.pinned,
    created_at: entry.created_at,
    updated_at: entry.updated_at,
  };
}

/** An entry in a list: the text cut to a readable length (`get` has the whole of it). */
export function listed(entry: Entry): EntryData & { truncated: boolean } {
  const data = entryData(entry);
  const truncated = data.text.length > LIST_TEXT_CHARS;
  return { ...data, text: shorten(data.text, LIST_TEXT_CHARS), truncated };
}

/**
 * The head of an entry line: id, kind, key, date and tags.
 *
 * @example
 * entryHead(entry) // "[42] (decision, 2026-03-01, #billing)"
 */
export function entryHead(entry: Entry): string {
  const parts: string[] = [
    entry.key ? `${entry.kind} "${entry.key}"` : entry.kind,
    entry.created_at.slice(0, 10),
  ];
  if (entry.tags.length) parts.push(entry.tags.map((t) => `#${t}`).join(" "));
  if (entry.pinned) parts.push("pinned");
  return `[${entry.id}] (${parts.join(", ")})`;
}

/**
 * One entry on one line, its text shortened to `max` characters with whitespace folded.
 *
 * @example
 * entryLine(entry) // "[42] (decision, 2026-03-01, #billing) we chose Postgres for billing"
 */
export function entryLine(entry: Entry, max = LIST_TEXT_CHARS, text = entry.text): string {
  return `${entryHead(entry)} ${shorten(text, max)}`;
}

/** The whole entry: its head line, where it came from, then the full text. */
export function entryBlock(entry: Entry): string {
  const lines = [entryHead(entry)];
  const meta = [`source: ${entry.source ?? "unknown"}`];
  if (entry.updated_at !== entry.created_at) meta.push(`updated: ${entry.updated_at}`);
  lines.push(meta.join(", "), "", entry.text);
  return lines.join("\n");
}

/** A numbered list of entries, or `empty` when there are none. */
export function entryList(entries: readonly Entry[], empty: string): string {
  return entries.length ? entries.map((e) => entryLine(e)).join("\n") : empty;
}

/**
 * A search result: the entry line with the matching fragment (or the start of the text) and why
 * it was found.
 */
export function resultLine(result: SearchResult): string {
  const text = result.text.length <= LIST_TEXT_CHARS ? result.text : result.snippet.replace(/\*\*/g, "");
  const found = Object.entries(result.ranks)
    .filter(([, rank]) => rank !== undefined)
    .map(([list]) => list)
    .join("+");
  return `${entryLine(result, LIST_TEXT_CHARS, text)}${found ? ` {${found}}` : ""}`;
}

/** Folds whitespace and cuts `text` to `max` characters, marking the cut. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
