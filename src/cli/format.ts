import type { Entry } from "../core/store/index.ts";
import type { SearchResult } from "../core/search/index.ts";

/** One line per entry: id, kind, date, the text's first line, tags. */
export function entryLine(entry: Entry, width = 100): string {
  const date = entry.created_at.slice(0, 10);
  const first = entry.text.split("\n", 1)[0] ?? "";
  const text = first.length > width ? `${first.slice(0, width - 1)}…` : first;
  const tags = entry.tags.length ? `  #${entry.tags.join(" #")}` : "";
  return `${String(entry.id).padStart(6)}  ${entry.kind.padEnd(10)} ${date}  ${text}${tags}`;
}

/** The whole entry, for `brain get`. */
export function entryBlock(entry: Entry): string {
  const lines = [
    `id:       ${entry.id}`,
    `kind:     ${entry.kind}${entry.key ? `  key: ${entry.key}` : ""}${entry.pinned ? "  pinned" : ""}`,
    `created:  ${entry.created_at}${entry.updated_at !== entry.created_at ? `  updated: ${entry.updated_at}` : ""}`,
  ];
  if (entry.tags.length) lines.push(`tags:     ${entry.tags.map((t) => `#${t}`).join(" ")}`);
  if (entry.source) lines.push(`source:   ${entry.source}`);
  lines.push("", entry.text);
  return lines.join("\n");
}

/** A search result: the entry line, which lists found it, and the highlighted snippet. */
export function resultLines(result: SearchResult, tty: boolean): string {
  const found = Object.entries(result.ranks)
    .filter(([, rank]) => rank !== undefined)
    .map(([list, rank]) => `${list} #${rank}`)
    .join(", ");
  const via = result.graph ? `linked to ${result.graph.from}: ${result.graph.reason}` : "";
  const why = [found, via].filter(Boolean).join("; ");
  const snippet = highlight(result.snippet.replace(/\s+/g, " "), tty);
  const score = `score ${(result.relevance ?? result.score).toFixed(2)}${why ? `  (${why})` : ""}`;
  return `${entryLine(result)}\n        ${snippet}\n        ${score}`;
}

/** **bold** markers become terminal bold on a TTY and stay as they are elsewhere. */
export function highlight(text: string, tty: boolean): string {
  return tty ? text.replace(/\*\*(.+?)\*\*/g, "\u001b[1m$1\u001b[22m") : text;
}
