import { prepareCached, type Db } from "../db/index.ts";
import { BrainError } from "../base/index.ts";
import type { Kind } from "../store/index.ts";

/**
 * The SQL of enrichment: which entries wait for it (the one query joining `entries`, as the
 * embedder's backlog does) and the suggestions themselves. What it suggests from (tags in use,
 * keyed entries) comes from the store and the graph. Tables from migration
 * `013_enrichment_suggestions`.
 */

export const SUGGESTION_FIELDS = ["kind", "tags", "title", "key"] as const;
export type SuggestionField = (typeof SUGGESTION_FIELDS)[number];
export type SuggestionStatus = "pending" | "accepted" | "rejected" | "auto_accepted";

/** What a suggestion carries in `detail`: tags not yet in use, or the keyed entry a key points at. */
export interface SuggestionDetail {
  new_tags?: string[];
  entry_id?: number;
}

export interface NewSuggestion {
  field: SuggestionField;
  value: string | string[];
  detail?: SuggestionDetail;
}

export interface Suggestion extends NewSuggestion {
  id: number;
  entry_id: number;
  model: string;
  status: SuggestionStatus;
  created_at: string;
}

export interface EnrichCandidate {
  id: number;
  kind: Kind;
  key: string | null;
  text: string;
  tags: string[];
  hash: string;
}

/** Entries captured without a kind (still the default `note`) or without tags, not yet looked at. */
export function pendingEnrichment(db: Db, afterId: number, limit: number): EnrichCandidate[] {
  return prepareCached<[bigint, number], Omit<EnrichCandidate, "tags"> & { tags: string }>(
    db,
    `SELECT e.id, e.kind, e.key, e.text, e.tags, e.hash FROM entries e
     WHERE (e.kind = 'note' OR e.tags = '[]') AND e.id > ?
       AND NOT EXISTS (SELECT 1 FROM enriched x WHERE x.entry_id = e.id)
     ORDER BY e.id LIMIT ?`,
  )
    .all(BigInt(afterId), limit)
    .map((row) => ({ ...row, tags: JSON.parse(row.tags) as string[] }));
}

/** How many entries still wait for enrichment. */
export function countPendingEnrichment(db: Db): number {
  return prepareCached<[], { n: number }>(
    db,
    `SELECT count(*) AS n FROM entries e WHERE (e.kind = 'note' OR e.tags = '[]')
       AND NOT EXISTS (SELECT 1 FROM enriched x WHERE x.entry_id = e.id)`,
  ).get()!.n;
}

/** Records that an entry was looked at, and stores its suggestions (inside the caller's transaction). */
export function recordEnrichment(
  db: Db,
  entry: { id: number; hash: string },
  outcome: { model: string; suggestions: NewSuggestion[]; error?: string; now: number },
): number[] {
  const result = outcome.error ? "failed" : outcome.suggestions.length > 0 ? "suggested" : "nothing";
  prepareCached(
    db,
    `INSERT INTO enriched(entry_id, hash, outcome, model, error, at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(entry_id) DO UPDATE SET hash = excluded.hash, outcome = excluded.outcome,
       model = excluded.model, error = excluded.error, at = excluded.at`,
  ).run(entry.id, entry.hash, result, outcome.model, outcome.error ?? null, outcome.now);
  const insert = prepareCached(
    db,
    "INSERT INTO suggestions(entry_id, field, value, detail, model, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  return outcome.suggestions.map((s) => {
    const detail = s.detail && Object.keys(s.detail).length > 0 ? JSON.stringify(s.detail) : null;
    const info = insert.run(entry.id, s.field, JSON.stringify(s.value), detail, outcome.model, outcome.now);
    return Number(info.lastInsertRowid);
  });
}

interface SuggestionRow {
  id: number;
  entry_id: number;
  field: SuggestionField;
  value: string;
  detail: string | null;
  model: string;
  status: SuggestionStatus;
  created_at: number;
}

const COLUMNS = "id, entry_id, field, value, detail, model, status, created_at";

function toSuggestion(row: SuggestionRow): Suggestion {
  return {
    id: row.id,
    entry_id: row.entry_id,
    field: row.field,
    value: JSON.parse(row.value) as string | string[],
    ...(row.detail ? { detail: JSON.parse(row.detail) as SuggestionDetail } : {}),
    model: row.model,
    status: row.status,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** Suggestions waiting for a decision (or all of them), oldest entry first. */
export function listSuggestions(db: Db, options: { all?: boolean; limit?: number } = {}): Suggestion[] {
  const where = options.all ? "" : "WHERE status = 'pending'";
  return prepareCached<[number], SuggestionRow>(
    db,
    `SELECT ${COLUMNS} FROM suggestions ${where} ORDER BY entry_id, id LIMIT ?`,
  )
    .all(options.limit ?? 100)
    .map(toSuggestion);
}

/** One suggestion, or a `not_found` error naming the way to list them. */
export function getSuggestion(db: Db, id: number): Suggestion {
  const row = prepareCached<[bigint], SuggestionRow>(
    db,
    `SELECT ${COLUMNS} FROM suggestions WHERE id = ?`,
  ).get(BigInt(id));
  if (!row) {
    throw new BrainError("not_found", `There is no suggestion with id ${id}.`, {
      hint: "List the suggestions waiting with `brain suggestions`.",
    });
  }
  return toSuggestion(row);
}

/** Marks a suggestion decided. */
export function setSuggestionStatus(db: Db, id: number, status: SuggestionStatus, now: number): void {
  prepareCached(db, "UPDATE suggestions SET status = ?, decided_at = ? WHERE id = ?").run(
    status,
    now,
    BigInt(id),
  );
}
