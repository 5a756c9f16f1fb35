import { prepareCached, type Db } from "../db/index.ts";
import { sourceNeighbours, type Entry, type EntryHook } from "../store/index.ts";
import type { Clock } from "../base/index.ts";

/**
 * Conversations: entries whose source is `<prefix>#<n>` (the parts of one imported file,
 * `file:/notes/a.md#2`, or the turns of a chat export, `chat:2026-03-01#4`) belong to the
 * conversation `<prefix>`. Each is linked to the one after it by a `next` edge, in order of time
 * (then id); read backwards, that edge is its `previous`. Sources without `#<n>` ("raycast",
 * "mcp:claude") are not conversations.
 */

/**
 * The conversation a source belongs to, or null.
 *
 * @example
 * conversationOf("file:/notes/a.md#2") // "file:/notes/a.md"
 * conversationOf("raycast") // null
 */
export function conversationOf(source: string | null): string | null {
  const m = /^(.+)#\d+$/.exec(source ?? "");
  return m ? m[1]! : null;
}

interface Neighbours {
  previous?: number;
  next?: number;
}

/** The entries just before and just after `entry` in its conversation (a seek on entries_source). */
function neighboursOf(db: Db, entry: Entry, key: string): Neighbours {
  return sourceNeighbours(db, key, Date.parse(entry.created_at), entry.id);
}

function link(db: Db, from: number, to: number, now: number): void {
  prepareCached(
    db,
    `INSERT OR IGNORE INTO edges(from_entry, to_entry, type, weight, created_at) VALUES (?, ?, 'next', 1, ?)`,
  ).run(from, to, now);
}

function unlink(db: Db, from: number, to: number): void {
  prepareCached(db, "DELETE FROM edges WHERE type = 'next' AND from_entry = ? AND to_entry = ?").run(
    from,
    to,
  );
}

/**
 * Keeps `next` edges in order as entries arrive and leave, inside their write transaction: a new
 * entry is put between its neighbours; a deleted one leaves its neighbours linked to each other.
 */
export function createConversationHook(db: Db, clock: Clock): EntryHook {
  return {
    afterWrite(entry, change) {
      const key = change === "created" ? conversationOf(entry.source) : null;
      if (!key) return;
      const { previous, next } = neighboursOf(db, entry, key);
      const now = clock.now().getTime();
      if (previous !== undefined && next !== undefined) unlink(db, previous, next);
      if (previous !== undefined) link(db, previous, entry.id, now);
      if (next !== undefined) link(db, entry.id, next, now);
    },
    beforeDelete(entry) {
      const key = conversationOf(entry.source);
      if (!key) return;
      const { previous, next } = neighboursOf(db, entry, key);
      if (previous !== undefined && next !== undefined) link(db, previous, next, clock.now().getTime());
    },
  };
}
