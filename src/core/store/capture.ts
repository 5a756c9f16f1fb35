import { parseTime, type Clock } from "../base/index.ts";
import type { Kind } from "./kinds.ts";
import { rowToEntry, type Entry, type EntryRow } from "./rows.ts";
import { mustGet, runAfterWrite, type EntryStatements } from "./statements.ts";
import { cleanText, contentHash, mergeTags } from "./text.ts";

export interface CaptureInput {
  text: string;
  kind?: Kind;
  /** A fact or preference with a key that exists updates that entry; its old value stays in history. */
  key?: string | null;
  tags?: readonly string[];
  source?: string | null;
  /** When it happened (imports keep the original time). Defaults to now. */
  at?: string | Date;
  pinned?: boolean;
  /**
   * Save a second entry even when one with the same text and kind exists. Import sets it for
   * entries it tracks by their source (a file's part), which dedup by source and hash instead.
   */
  allowDuplicate?: boolean;
  /**
   * Entries the caller may not see (a road out of the machine may not read a #private memory). The
   * same text is never matched to one of them: it is saved as an entry of its own, so what the
   * caller is told cannot confirm that a memory it may not read holds that text.
   */
  hidden?: (entry: Entry) => boolean;
}

export interface CaptureResult {
  entry: Entry;
  /**
   * `duplicate`: the same text of the same kind was already saved, as `entry`, with every tag
   * given; nothing changed. Given new tags, they are added to it and the status is `updated`.
   */
  status: "created" | "updated" | "unchanged" | "duplicate";
}

/** A capture's input, cleaned: text, kind, key, tags and time as stored. */
interface Capture {
  input: CaptureInput;
  text: string;
  kind: Kind;
  key: string | null;
  tags: string[];
  hash: string;
  at: number;
}

/** Saves a memory, updates the keyed one, or finds the same text already saved. Call in a transaction. */
export function captureEntry(s: EntryStatements, clock: Clock, input: CaptureInput): CaptureResult {
  const text = cleanText(input.text);
  const now = clock.now().getTime();
  const c: Capture = {
    input,
    text,
    kind: input.kind ?? "note",
    key: input.key?.trim() || null,
    tags: mergeTags(input.tags ?? [], text),
    hash: contentHash(text),
    at: input.at === undefined ? now : parseTime(input.at, "--at"),
  };
  const existing = c.key ? s.byKey(c.key) : undefined;
  if (!c.key && !input.allowDuplicate) {
    const same = firstVisible(s.byHash(c.hash, c.kind), input.hidden);
    if (same) return sameText(s, c, same);
  }
  return existing ? updateKeyed(s, c, existing) : insertEntry(s, c);
}

/** The first of `rows` the caller may see. */
function firstVisible(rows: Iterable<EntryRow>, hidden?: (entry: Entry) => boolean): EntryRow | undefined {
  for (const row of rows) if (!hidden?.(rowToEntry(row))) return row;
  return undefined;
}

/**
 * The same text of the same kind again: the tags it brings are added to the saved entry's, so a
 * `#private` (or any tag) given now is not lost on a memory already saved without it.
 */
function sameText(s: EntryStatements, c: Capture, same: EntryRow): CaptureResult {
  if (same.tags === JSON.stringify(mergedTags(same, c)))
    return { entry: rowToEntry(same), status: "duplicate" };
  return updateKeyed(s, { ...c, input: { ...c.input, source: undefined, pinned: undefined } }, same);
}

function mergedTags(existing: EntryRow, c: Capture): string[] {
  return [...new Set([...(JSON.parse(existing.tags) as string[]), ...c.tags])];
}

/** A new value for a keyed entry: tags are merged; the same value changes nothing. */
function updateKeyed(s: EntryStatements, c: Capture, existing: EntryRow): CaptureResult {
  const tags = mergedTags(existing, c);
  const same = existing.hash === c.hash && existing.kind === c.kind && existing.tags === JSON.stringify(tags);
  if (same) return { entry: rowToEntry(existing), status: "unchanged" };
  s.update({
    id: existing.id,
    kind: c.kind,
    text: c.text,
    tags: JSON.stringify(tags),
    source: c.input.source ?? existing.source,
    pinned: c.input.pinned === undefined ? existing.pinned : Number(c.input.pinned),
    updated_at: Math.max(c.at, existing.updated_at),
    hash: c.hash,
  });
  const entry = mustGet(s, existing.id);
  runAfterWrite(s, entry, "updated");
  return { entry, status: "updated" };
}

function insertEntry(s: EntryStatements, c: Capture): CaptureResult {
  const id = s.insert({
    kind: c.kind,
    key: c.key,
    text: c.text,
    tags: JSON.stringify(c.tags),
    source: c.input.source ?? null,
    pinned: c.input.pinned ? 1 : 0,
    created_at: c.at,
    updated_at: c.at,
    hash: c.hash,
  });
  const entry = mustGet(s, id);
  runAfterWrite(s, entry, "created");
  return { entry, status: "created" };
}
