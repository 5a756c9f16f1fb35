import { BrainError } from "../base/index.ts";
import type { Kind } from "./kinds.ts";

/** A memory as every caller sees it. Times are ISO 8601 strings. */
export interface Entry {
  id: number;
  kind: Kind;
  key: string | null;
  text: string;
  tags: string[];
  source: string | null;
  pinned: boolean;
  created_at: string;
  updated_at: string;
  hash: string;
}

export interface EntryRow {
  id: number;
  kind: Kind;
  key: string | null;
  text: string;
  tags: string;
  source: string | null;
  pinned: number;
  created_at: number;
  updated_at: number;
  hash: string;
}

/** Column list shared by every query that builds an Entry. */
export const ENTRY_COLUMNS =
  "e.id, e.kind, e.key, e.text, e.tags, e.source, e.pinned, e.created_at, e.updated_at, e.hash";

export function rowToEntry(row: EntryRow): Entry {
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    text: row.text,
    tags: JSON.parse(row.tags) as string[],
    source: row.source,
    pinned: row.pinned === 1,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    hash: row.hash,
  };
}

/** Clamps a caller's limit into [1, max], with a default. */
export function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.floor(limit)));
}

export function entryNotFound(id: number): BrainError {
  return new BrainError("not_found", `There is no entry with id ${id}.`, {
    hint: "Find the id with `brain search QUERY` or `brain list`.",
  });
}
