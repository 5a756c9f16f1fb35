import { prepareCached, readMeta, writeMeta, type Db } from "../db/index.ts";
import { SAME_TEXT_SQL } from "./chunk-scores.ts";

/**
 * The embedder's backlog: the entries whose vectors for a model are missing or older than their
 * text, and how many there are.
 */

/** The part of a model (vectors.ts `EmbeddingModel`) the backlog needs. */
interface ModelId {
  id: number;
}

/** Entries whose vectors for the model are missing or older than their text, in id order. */
export function pendingEntries(
  db: Db,
  model: ModelId | null,
  afterId: number,
  limit: number,
): { id: number; text: string; hash: string }[] {
  return prepareCached<[number, number, number], { id: number; text: string; hash: string }>(
    db,
    `SELECT e.id, e.text, e.hash FROM entries e WHERE e.id > ? AND ${WAITING_SQL} ORDER BY e.id LIMIT ?`,
  ).all(afterId, model?.id ?? -1, limit);
}

/**
 * True for an entry `e` waiting for the model bound at its `?`: seq 0 exists for every embedded
 * entry, and its hash says which text the vectors were made from (SAME_TEXT_SQL).
 */
const WAITING_SQL = `NOT EXISTS (
  SELECT 1 FROM chunks c WHERE c.entry_id = e.id AND c.model_id = ? AND c.seq = 0 AND ${SAME_TEXT_SQL})`;

/**
 * How many entries wait for the model's vectors (missing, or older than their text). The scan is a
 * seek into \`chunks\` per entry (3.5 s at a million entries), so with \`remember\` (the embedder)
 * its result is kept in meta with what it depends on: the model's count of chunk writes and the
 * entries' text version (both kept by triggers, migration 015). While neither moved, that count is
 * the answer, and an idle embedder pass or \`brain status\` costs a few reads. The scan runs in one
 * read transaction with the key it is stored under, so a write during it only makes the key stale.
 */
export function countPending(db: Db, model: ModelId | null, options: { remember?: boolean } = {}): number {
  if (!model) return prepareCached<[], { n: number }>(db, "SELECT count(*) AS n FROM entries").get()!.n;
  const found = db.transaction(() => {
    const key = pendingKey(db, model);
    const remembered = readMeta(db, PENDING_META);
    if (remembered?.startsWith(`${key}=`))
      return { key, count: Number(remembered.slice(key.length + 1)), scanned: false };
    return { key, count: scanPending(db, model), scanned: true };
  })();
  if (found.scanned && options.remember) writeMeta(db, PENDING_META, `${found.key}=${found.count}`);
  return found.count;
}

/** Where the last scan's count of waiting entries is kept, after the key it holds for. */
const PENDING_META = "embed_pending";

/** What the waiting entries depend on: the model, its chunk writes, the entries' text version. */
function pendingKey(db: Db, model: ModelId): string {
  const writes = prepareCached<[number], { writes: number }>(
    db,
    "SELECT chunk_writes AS writes FROM embedding_models WHERE id = ?",
  ).get(model.id)?.writes;
  return `${model.id}:${writes ?? 0}:${readMeta(db, "entries_text_version") ?? ""}`;
}

function scanPending(db: Db, model: ModelId): number {
  return prepareCached<[number], { n: number }>(
    db,
    `SELECT count(*) AS n FROM entries e WHERE ${WAITING_SQL}`,
  ).get(model.id)!.n;
}
