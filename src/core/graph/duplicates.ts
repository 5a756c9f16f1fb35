import { prepareCached, type Db } from "../db/index.ts";
import { addHistory, entriesById, type Entry, type EntryStore } from "../store/index.ts";
import { BrainError } from "../base/index.ts";
import { insertEntryEdge } from "./store.ts";

/**
 * Near duplicates and new values for keyed entries, found from the embedder's nearest neighbours.
 *
 * DUPLICATE_SIMILARITY is measured by `npm run eval` on the personal-notes duplicate cases
 * (eval/notes/duplicates.json) with the wink word vectors: reworded restatements of a note
 * against related notes that say something else. See ARCHITECTURE.md for the figures; a
 * different embedding model needs its own measurement (`npm run eval -- --embedder ollama`).
 */
export const DUPLICATE_SIMILARITY = 0.885;
/** A keyless entry this close to a keyed one of the same kind is proposed as its new value. */
export const KEY_PROPOSAL_SIMILARITY = 0.8;

/**
 * Links an entry to the older entries the embedder found saying the same (a `duplicate` edge from
 * the newer to the older, weight = similarity), replacing the links it had. Runs in the
 * embedder's write transaction, after the semantic edges.
 */
export function linkDuplicates(
  db: Db,
  entryId: number,
  neighbours: readonly { id: number; similarity: number }[],
  now: number,
  threshold = DUPLICATE_SIMILARITY,
): number {
  prepareCached(db, "DELETE FROM edges WHERE type = 'duplicate' AND (from_entry = ? OR to_entry = ?)").run(
    entryId,
    entryId,
  );
  let written = 0;
  for (const n of neighbours) {
    if (n.id === entryId || !(n.similarity >= threshold)) continue;
    const [from, to] = entryId > n.id ? [entryId, n.id] : [n.id, entryId];
    written += insertEntryEdge(db, from, to, "duplicate", Math.round(n.similarity * 1000) / 1000, now);
  }
  return written;
}

export interface DuplicatePair {
  /** The newer entry. */
  entry: Entry;
  /** The older entry it says the same as. */
  of: Entry;
  similarity: number;
}

/** Near-duplicate pairs, most similar first. */
export function listDuplicates(db: Db, limit = 100): DuplicatePair[] {
  const rows = prepareCached<[number], { from_entry: number; to_entry: number; weight: number }>(
    db,
    `SELECT from_entry, to_entry, weight FROM edges WHERE type = 'duplicate'
     ORDER BY weight DESC, from_entry DESC LIMIT ?`,
  ).all(limit);
  const entries = entriesById(db, [...new Set(rows.flatMap((r) => [r.from_entry, r.to_entry]))]);
  return rows.flatMap((r) => {
    const entry = entries.get(r.from_entry);
    const of = entries.get(r.to_entry);
    return entry && of ? [{ entry, of, similarity: r.weight }] : [];
  });
}

/** How many near-duplicate pairs are linked: what `brain doctor` reports. */
export function countDuplicates(db: Db): number {
  return prepareCached<[], { n: number }>(
    db,
    "SELECT count(*) AS n FROM edges WHERE type = 'duplicate'",
  ).get()!.n;
}

export interface KeyProposal {
  /** The keyless entry that looks like a new value. */
  entry: Entry;
  /** The keyed entry it would update. */
  keyed: Entry;
  similarity: number;
}

/**
 * Keyless entries that look like a new value of a keyed one: same kind, newer, and at least
 * {@link KEY_PROPOSAL_SIMILARITY} similar by the embedder's links (by similarity alone).
 * `brain capture TEXT --kind K --key KEY` takes a proposal.
 */
export function listKeyProposals(db: Db, limit = 100, threshold = KEY_PROPOSAL_SIMILARITY): KeyProposal[] {
  // Links either way count: the embedder writes them from whichever entry it embedded.
  const rows = prepareCached<[number, number, number], { entry: number; keyed: number; similarity: number }>(
    db,
    `WITH pairs AS (
       SELECT from_entry AS a, to_entry AS b, weight FROM edges
       WHERE type IN ('semantic', 'duplicate') AND to_entry IS NOT NULL AND weight >= ?
       UNION ALL
       SELECT to_entry, from_entry, weight FROM edges
       WHERE type IN ('semantic', 'duplicate') AND to_entry IS NOT NULL AND weight >= ?
     )
     SELECT n.id AS entry, k.id AS keyed, max(p.weight) AS similarity
     FROM pairs p JOIN entries n ON n.id = p.a JOIN entries k ON k.id = p.b
     WHERE n.key IS NULL AND k.key IS NOT NULL AND n.kind = k.kind AND n.created_at >= k.updated_at
     GROUP BY n.id, k.id ORDER BY similarity DESC LIMIT ?`,
  ).all(threshold, threshold, limit);
  const entries = entriesById(db, [...new Set(rows.flatMap((r) => [r.entry, r.keyed]))]);
  return rows.flatMap((r) => {
    const entry = entries.get(r.entry);
    const keyed = entries.get(r.keyed);
    return entry && keyed ? [{ entry, keyed, similarity: r.similarity }] : [];
  });
}

/**
 * Merges a near duplicate into the entry kept: the kept entry gets the union of both tags and the
 * other's text in its history (valid from the other's creation to now), links made by hand move
 * over, and the other entry is deleted. Both texts stay readable with `brain get KEEP --history`.
 */
export function mergeDuplicate(
  db: Db,
  entries: EntryStore,
  keepId: number,
  otherId: number,
  now: number,
): Entry {
  if (keepId === otherId) {
    throw new BrainError("bad_input", "An entry cannot be merged into itself.", {
      hint: "Give two different ids: `brain duplicates merge KEEP OTHER`.",
    });
  }
  return db
    .transaction(() => {
      const keep = entries.get(keepId);
      const other = entries.get(otherId);
      addHistory(db, keepId, { ...other, validFrom: Date.parse(other.created_at), validTo: now });
      prepareCached(
        db,
        `UPDATE OR IGNORE edges SET from_entry = ? WHERE from_entry = ? AND type = 'manual' AND to_entry IS NOT ?`,
      ).run(keepId, otherId, keepId);
      const tags = [...new Set([...keep.tags, ...other.tags])];
      const merged = tags.length === keep.tags.length ? keep : entries.edit(keepId, { tags });
      entries.delete(otherId);
      return merged;
    })
    .immediate();
}
