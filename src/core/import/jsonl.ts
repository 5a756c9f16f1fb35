import type { Db } from "../db/index.ts";
import {
  cleanText,
  contentHash,
  entryWithSourceText,
  entryWithSourceWords,
  mergeTags,
  type CaptureInput,
  type EntryStore,
  KINDS,
  type Kind,
  withoutWrittenTags,
} from "../store/index.ts";
import { parseTime } from "../base/index.ts";
import { isPrivate } from "../privacy/index.ts";
import type { ImportProblem } from "./files.ts";

/** One line of a `.jsonl` file to import, parsed. */
export interface JsonlLine {
  type: "line";
  path: string;
  line: number;
  input: CaptureInput;
}

/** A file's lines to import; a line that cannot be is added to `failed`. Blank lines are skipped. */
export function jsonlLines(path: string, text: string, failed: ImportProblem[]): JsonlLine[] {
  const lines: JsonlLine[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    const parsed = parseJsonlLine(raw);
    if ("reason" in parsed) failed.push({ path, line: i + 1, reason: parsed.reason });
    else lines.push({ type: "line", path, line: i + 1, input: parsed.input });
  });
  return lines;
}

/**
 * Writes one line, counted as added, updated or unchanged. A line with a source is the entry an
 * earlier import made from it when there is one (earlierEntry): unchanged, or given the tags the
 * line adds. One without a source goes through the capture's own duplicate check: the same text
 * of the same kind is unchanged, or gains the tags the line adds. Either way a `private` added to
 * a line makes its entry private. A keyed line updates its key.
 */
export function writeJsonlLine(
  deps: { db: Db; entries: EntryStore },
  { input }: JsonlLine,
  counts: Record<"added" | "updated" | "unchanged", number>,
): void {
  const text = cleanText(input.text);
  const lineTags = mergeTags(input.tags ?? [], text);
  const earlier =
    !input.key && input.source ? earlierEntry(deps.db, input.source, text, lineTags) : undefined;
  if (earlier) {
    const tags = [...new Set([...earlier.tags, ...lineTags])];
    if (earlier.sameText && tags.length === earlier.tags.length) counts.unchanged++;
    else {
      deps.entries.edit(earlier.id, { text, tags });
      counts.updated++;
    }
    return;
  }
  // Lines with a source were checked by source and text above: the same text from another source stays.
  const { status } = deps.entries.capture({ ...input, allowDuplicate: input.source ? true : undefined });
  counts[status === "created" ? "added" : status === "duplicate" ? "unchanged" : status]++;
}

/**
 * The entry an earlier import made from this line of `source`: the one with its text, or, for a
 * line that is `#private` now, the one that had its text before a `#private` was written into it
 * (a seek by that text's hash, however many lines share the source) or, when at most 20 entries
 * have the source, its text but for any #tags; that entry then becomes private rather than stay
 * public beside a new one. Another change of the text is another line: a new entry.
 */
function earlierEntry(
  db: Db,
  source: string,
  text: string,
  lineTags: string[],
): { id: number; tags: string[]; sameText: boolean } | undefined {
  const same = entryWithSourceText(db, source, contentHash(text));
  if (same) return { ...same, sameText: true };
  if (!isPrivate({ tags: lineTags })) return undefined;
  const before = withoutWrittenTags(text, (tag) => isPrivate({ tags: [tag] }));
  const found =
    (before !== text && before.length > 0
      ? entryWithSourceText(db, source, contentHash(before))
      : undefined) ?? entryWithSourceWords(db, source, text);
  return found && { ...found, sameText: false };
}

/**
 * One `.jsonl` line as an entry: `{"text", "kind"?, "key"?, "tags"?, "source"?, "created_at"?}`.
 * `tags` is an array of strings (or one string); `created_at` an ISO time or Unix milliseconds.
 * Returns the capture input, or the reason the line cannot be imported.
 *
 * @example
 * parseJsonlLine('{"text":"my editor is helix","kind":"preference","key":"editor"}')
 * // { input: { text: "my editor is helix", kind: "preference", key: "editor", tags: [] } }
 */
export function parseJsonlLine(line: string): { input: CaptureInput } | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { reason: "is not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { reason: "is not a JSON object" };
  }
  const o = value as Record<string, unknown>;
  if (typeof o.text !== "string" || o.text.trim() === "") return { reason: 'has no "text"' };
  if (
    o.kind !== undefined &&
    !(typeof o.kind === "string" && (KINDS as readonly string[]).includes(o.kind))
  ) {
    return { reason: `has an unknown "kind" (use one of ${KINDS.join(", ")})` };
  }
  for (const field of ["key", "source"] as const) {
    if (o[field] !== undefined && o[field] !== null && typeof o[field] !== "string") {
      return { reason: `has a "${field}" that is not a string` };
    }
  }
  const tags = typeof o.tags === "string" ? [o.tags] : o.tags === undefined || o.tags === null ? [] : o.tags;
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string")) {
    return { reason: 'has "tags" that are not a list of strings' };
  }
  const at = timeOf(o.created_at);
  if (at === null) return { reason: 'has a "created_at" that is not a time' };
  const input: CaptureInput = { text: o.text, kind: (o.kind as Kind | undefined) ?? "note", tags };
  if (typeof o.key === "string" && o.key.trim()) input.key = o.key;
  if (typeof o.source === "string" && o.source.trim()) input.source = o.source.trim();
  if (at !== undefined) input.at = at;
  return { input };
}

function timeOf(value: unknown): string | undefined | null {
  if (value === undefined || value === null) return undefined;
  try {
    if (typeof value === "string") return new Date(parseTime(value, "created_at")).toISOString();
    if (typeof value === "number") return new Date(parseTime(new Date(value), "created_at")).toISOString();
  } catch {
    // Not a time, not a real date, or outside 1970-9999: the line is reported.
  }
  return null;
}
