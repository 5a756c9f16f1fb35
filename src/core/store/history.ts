import { prepareCached, type Db } from "../db/index.ts";
import type { Kind } from "./kinds.ts";

/** The SQL on `entry_history`: earlier values of an entry, written by a trigger on every change. */

export interface HistoryItem {
  kind: Kind;
  text: string;
  tags: string[];
  valid_from: string;
  valid_to: string;
}

/** An entry's earlier values, newest first. */
export function entryHistory(db: Db, id: number): HistoryItem[] {
  return prepareCached<
    [number],
    { kind: Kind; text: string; tags: string; valid_from: number; valid_to: number }
  >(
    db,
    "SELECT kind, text, tags, valid_from, valid_to FROM entry_history WHERE entry_id = ? ORDER BY valid_to DESC, id DESC",
  )
    .all(id)
    .map((h) => ({
      kind: h.kind,
      text: h.text,
      tags: JSON.parse(h.tags) as string[],
      valid_from: new Date(h.valid_from).toISOString(),
      valid_to: new Date(h.valid_to).toISOString(),
    }));
}

/**
 * Adds an earlier value to an entry's history by hand: what merging a near duplicate keeps of the
 * entry merged in (times in Unix milliseconds).
 */
export function addHistory(
  db: Db,
  entryId: number,
  item: { kind: Kind; text: string; tags: readonly string[]; validFrom: number; validTo: number },
): void {
  prepareCached(
    db,
    "INSERT INTO entry_history(entry_id, kind, text, tags, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?)",
  ).run(entryId, item.kind, item.text, JSON.stringify(item.tags), item.validFrom, item.validTo);
}
