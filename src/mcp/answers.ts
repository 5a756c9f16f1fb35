import type { Brain } from "../core/brain.ts";
import type { RelatedItem, RelatedResult } from "../core/graph/index.ts";
import { withheldNotice, type Egress } from "../core/privacy/index.ts";
import { meaningSearchFailed, type SearchOptions, type SearchResult } from "../core/search/index.ts";
import type { CaptureInput, Entry, Kind } from "../core/store/index.ts";
import {
  entryBlock,
  entryData,
  entryHead,
  entryLine,
  entryList,
  LIST_TEXT_CHARS,
  listed,
  resultLine,
  shorten,
} from "./format.ts";

/**
 * What an assistant reads back from a memory tool, for every assistant road: the MCP tools
 * (tools.ts, tools-graph.ts) and the Raycast AI tools (src/tools/). Each answer takes the call's
 * {@link Egress} and builds its text and data only from memories that passed it; the caller adds
 * the withheld count ({@link noted}) and records the bytes.
 */

/** An answer: text for the model, the same data as fields. */
export interface Answer {
  text: string;
  data: Record<string, unknown>;
}

/** The text with a line saying how many private memories were held back, when any were. */
export function noted(out: Egress, text: string): string {
  return out.withheld > 0 ? `${text}\nNote: ${withheldNotice(out.withheld)}` : text;
}

/** An entry's line when it may go; its id alone when it is private and may not. */
function lineThrough(out: Egress, entry: Entry, max: number): string {
  return out.pass([entry]).length ? entryLine(entry, max) : `[${entry.id}] (private memory: text withheld)`;
}

/** An entry's data when it may go; its id alone when it is private and may not. */
function dataThrough(out: Egress, entry: Entry) {
  return out.allows(entry) ? listed(entry) : { id: entry.id, private: true };
}

const SAVED = {
  created: () => "Saved",
  updated: () => "Updated",
  unchanged: () => "Already saved, unchanged:",
  duplicate: (id: number) => `Already saved as entry ${id}:`,
};

/**
 * Saves a memory and says what became of it. A text that only a memory the road may not read
 * already holds is saved as a memory of its own, answered as any new one: "Already saved as entry
 * 12" would confirm a guessed private text.
 */
export function rememberAnswer(brain: Brain, out: Egress, input: CaptureInput): Answer {
  const { entry, status } = brain.entries.capture({ ...input, hidden: (e) => !out.allows(e) });
  const note = status === "updated" ? " (the previous value is kept in its history)" : "";
  const text = `${SAVED[status](entry.id)} ${lineThrough(out, entry, 200)}${note}`;
  return { text, data: { status, entry: dataThrough(out, entry) } };
}

/** Deletes a memory for good and says which one it was. */
export function forgetAnswer(brain: Brain, out: Egress, id: number): Answer {
  const entry = brain.entries.delete(id);
  return { text: `Forgot ${lineThrough(out, entry, 200)}`, data: { deleted: dataThrough(out, entry) } };
}

/** Hybrid (or keyword, or meaning) search: one line per memory that may go. */
export async function searchAnswer(
  brain: Brain,
  out: Egress,
  query: string,
  options: SearchOptions,
): Promise<Answer> {
  const response = await brain.search(query, options);
  const failed = meaningSearchFailed(response);
  if (failed) throw failed;
  const results = out.pass(response.results);
  const lines = results.map(resultLine);
  if (lines.length === 0)
    lines.push(`Nothing in memory matches "${query}". Try other words or fewer filters.`);
  for (const notice of response.notices) lines.push(`Note: ${notice}`);
  const data = { mode: response.mode, notices: response.notices, results: results.map(searchData) };
  return { text: lines.join("\n"), data };
}

function searchData(result: SearchResult) {
  return { ...listed(result), score: result.score, ranks: result.ranks };
}

/** The whole memory with its source and earlier values, or that it is private. */
export function getAnswer(brain: Brain, out: Egress, id: number): Answer {
  const entry = brain.entries.get(id);
  if (out.pass([entry]).length === 0) {
    return { text: `[${entry.id}] is a private memory: its text is withheld.`, data: { id, private: true } };
  }
  const history = out.screen(brain.entries.history(id));
  const earlier = history.map(
    (h) => `- until ${h.valid_to.slice(0, 10)}: ${shorten(h.text, LIST_TEXT_CHARS)}`,
  );
  const block = entryBlock(entry);
  const text = earlier.length ? `${block}\n\nEarlier values:\n${earlier.join("\n")}` : block;
  return { text, data: { entry: entryData(entry), history } };
}

/** The newest memories that may go, optionally of one kind or tag, or since a time. */
export function recentAnswer(
  brain: Brain,
  out: Egress,
  options: { limit?: number; kind?: Kind; tag?: string; since?: string },
): Answer {
  const entries = out.pass(brain.entries.list({ ...options, limit: options.limit ?? 10 }));
  return { text: entryList(entries, "No memories yet."), data: { entries: entries.map(listed) } };
}

/** Memories and topics linked to a target, screened: private ones and what only they link to stay. */
export function relatedAnswer(
  brain: Brain,
  out: Egress,
  target: string | number,
  options: { depth?: number; limit?: number },
): Answer {
  const found = brain.related(target, { depth: options.depth ?? 2, limit: options.limit ?? 20 });
  const start = found.start.entry;
  if (start && out.pass([start]).length === 0) {
    const text = `[${start.id}] is a private memory: it and its links are withheld.`;
    return { text, data: { id: start.id, private: true } };
  }
  const result = brain.screen.related(out, found);
  return { text: relatedText(result), data: relatedData(result) };
}

/** One neighbour on one line, indented by its depth, with why it is linked. */
function itemLine(item: RelatedItem): string {
  const indent = "  ".repeat(item.depth - 1);
  const via = item.via.length ? ` via ${item.via.join(" > ")}` : "";
  const what = item.entry
    ? entryLine(item.entry, 200)
    : `${item.node?.label ?? "?"} (${item.node?.entries ?? 0} memories)`;
  return `${indent}${what} — ${item.reason}${via}`;
}

function relatedText(result: RelatedResult): string {
  const start = result.start.entry
    ? entryHead(result.start.entry)
    : `${result.start.label} (${result.start.node?.entries ?? 0} memories)`;
  if (result.items.length === 0) return `Nothing is linked to ${start} yet.`;
  return [`Linked to ${start}:`, ...result.items.map(itemLine)].join("\n");
}

function relatedData(result: RelatedResult) {
  return {
    start: {
      label: result.start.label,
      entry: result.start.entry && listed(result.start.entry),
      node: result.start.node,
    },
    items: result.items.map((item) => ({ ...item, entry: item.entry && listed(item.entry) })),
  };
}
