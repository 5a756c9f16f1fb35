import { KINDS, mergeTags, type Kind } from "../store/index.ts";

/** Reading a Markdown or text note: its front matter and the parts a long note is split into. */

export interface NoteMeta {
  tags: string[];
  /** From `date`, `created` or `created_at`, when it parses as a time. */
  at?: string;
  kind?: Kind;
  pinned?: boolean;
}

/** Notes longer than this many characters are split into several entries. */
export const PART_MAX_CHARS = 4000;

/**
 * Splits a note into its YAML front matter (the few fields import reads: tags, date or created,
 * kind, pinned) and its body. Only simple YAML is understood: `key: value`, `key: [a, b]` and
 * `key:` followed by `- item` lines; anything else is ignored.
 *
 * @example
 * parseNote("---\ntags: [billing, db]\ndate: 2025-01-05\n---\nWe chose Postgres.")
 * // { meta: { tags: ["billing", "db"], at: "2025-01-05" }, body: "We chose Postgres." }
 */
export function parseNote(text: string): { meta: NoteMeta; body: string } {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { meta: { tags: [] }, body: text };
  const data = parseYamlish(match[1] ?? "");
  const meta: NoteMeta = { tags: listOf(data.tags ?? data.tag) };
  const date = first(data.date ?? data.created ?? data.created_at);
  if (date && Number.isFinite(Date.parse(date))) meta.at = date;
  const kind = first(data.kind)?.toLowerCase();
  if (kind && (KINDS as readonly string[]).includes(kind)) meta.kind = kind as Kind;
  const pinned = first(data.pinned)?.toLowerCase();
  if (pinned === "true" || pinned === "yes") meta.pinned = true;
  return { meta, body: text.slice(match[0].length) };
}

type Yamlish = Record<string, string | string[] | undefined>;

function parseYamlish(block: string): Yamlish {
  const data: Yamlish = {};
  let listKey: string | null = null;
  for (const line of block.split(/\r?\n/)) {
    const item = /^\s+-\s+(.*)$/.exec(line) ?? /^-\s+(.*)$/.exec(line);
    if (item && listKey) {
      const list = data[listKey];
      data[listKey] = [...(Array.isArray(list) ? list : []), unquote(item[1] ?? "")];
      continue;
    }
    const pair = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!pair) continue;
    const key = (pair[1] ?? "").toLowerCase();
    const value = (pair[2] ?? "").trim();
    listKey = value === "" ? key : null;
    const inline = /^\[(.*)\]$/.exec(value);
    data[key] = inline ? (inline[1] ?? "").split(",").map(unquote).filter(Boolean) : unquote(value);
  }
  return data;
}

function unquote(value: string): string {
  return value.trim().replace(/^(["'])(.*)\1$/, "$2");
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value || undefined;
}

function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : value.split(/[,\s]+/);
  return items.map((t) => t.trim()).filter(Boolean);
}

/**
 * The tags of a whole note: its front matter's and every #tag written anywhere in its body,
 * normalised, in order of first appearance. Every part of a split note carries all of them, not
 * only the #tags in its own text: a tag marks the note (Obsidian reads it so), and where a long
 * note is cut is no business of its tags (a note of 3,999 characters is one entry with them all,
 * so one of 4,001 must not lose them on its later parts). Above all, a `#private` anywhere keeps
 * every part private: a part without it would be sent to MCP clients and cloud models.
 *
 * @example
 * noteTags({ tags: ["health"] }, "# Journal #private\n...\n## Diagnosis\n...") // ["health", "private"]
 */
export function noteTags(meta: NoteMeta, body: string): string[] {
  return mergeTags(meta.tags, body);
}

/**
 * A note's body as the entries it becomes: whole when it is at most `max` characters, otherwise
 * split at headings (outside code fences) and packed back together up to `max`; a section still
 * too long is split at blank lines. Empty parts are dropped.
 *
 * @example
 * splitNote("# A\n...\n# B\n...", 4000) // ["# A\n...\n# B\n..."] (short: one part)
 */
export function splitNote(body: string, max = PART_MAX_CHARS): string[] {
  const text = body.trim();
  if (text.length === 0) return [];
  if (text.length <= max) return [text];
  const pieces = sections(text).flatMap((s) => (s.length <= max ? [s] : s.split(/\n[ \t]*\n/)));
  return pack(pieces, max);
}

/** Splits at Markdown headings that are not inside ``` or ~~~ fences. */
function sections(text: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  for (const line of text.split("\n")) {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker) fence = fence === null ? marker : fence === marker ? null : fence;
    if (fence === null && !marker && /^#{1,6}\s/.test(line) && current.length > 0) {
      out.push(current.join("\n"));
      current = [];
    }
    current.push(line);
  }
  out.push(current.join("\n"));
  return out;
}

function pack(pieces: string[], max: number): string[] {
  const parts: string[] = [];
  let current = "";
  for (const raw of pieces) {
    const piece = raw.trim();
    if (!piece) continue;
    if (current && current.length + 2 + piece.length > max) {
      parts.push(current);
      current = "";
    }
    current = current ? `${current}\n\n${piece}` : piece;
  }
  if (current) parts.push(current);
  return parts;
}
