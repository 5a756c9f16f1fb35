import type { Clock } from "../base/index.ts";
import type { Kind } from "./kinds.ts";
import type { Entry } from "./rows.ts";
import { mustGet, runAfterWrite, type EntryStatements } from "./statements.ts";
import { cleanText, contentHash, mergeTags, tagsInText } from "./text.ts";

export interface EditInput {
  text?: string;
  kind?: Kind;
  tags?: readonly string[];
  pinned?: boolean;
}

/** Changes an entry's text, kind, tags or pin (the trigger keeps the old values in history). Call in a transaction. */
export function editEntry(s: EntryStatements, clock: Clock, id: number, input: EditInput): Entry {
  const before = mustGet(s, id);
  const text = input.text === undefined ? before.text : cleanText(input.text);
  // Tags written in the old text follow the text; tags given explicitly stay.
  const oldTextTags = new Set(tagsInText(before.text));
  const kept = input.tags ?? before.tags.filter((t) => !oldTextTags.has(t));
  s.update({
    id,
    kind: input.kind ?? before.kind,
    text,
    tags: JSON.stringify(mergeTags(kept, text)),
    source: before.source,
    pinned: input.pinned === undefined ? Number(before.pinned) : Number(input.pinned),
    updated_at: Math.max(clock.now().getTime(), Date.parse(before.updated_at)),
    hash: contentHash(text),
  });
  const entry = mustGet(s, id);
  runAfterWrite(s, entry, "updated");
  return entry;
}

/** Deletes an entry after its hooks ran; returns it as it was. Call in a transaction. */
export function deleteEntry(s: EntryStatements, id: number): Entry {
  const entry = mustGet(s, id);
  for (const hook of s.hooks) hook.beforeDelete?.(entry);
  s.remove(id);
  return entry;
}
