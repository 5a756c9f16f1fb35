import fs from "node:fs";
import { schemaVersion, type Db } from "../db/index.ts";
import type { Kind } from "./kinds.ts";
import { countByKind, countTags } from "./lookups.ts";

export interface StoreStatus {
  db_path: string;
  /** Bytes on disk: the database file plus its write-ahead log. */
  size_bytes: number;
  /** Of those, bytes in free pages (kept for new rows, or given back by the embedder's upkeep). */
  free_bytes: number;
  /** size_bytes over the number of stored chunk vectors (all models); null without vectors. */
  bytes_per_chunk: number | null;
  schema_version: string;
  entries: number;
  by_kind: Record<Kind, number>;
  tags: number;
}

/**
 * Counts by kind, path, size and schema version: the store's part of `brain status`. `chunks` is
 * how many chunk vectors are stored (the embed concept counts them), for bytes per chunk.
 */
export function storeStatus(db: Db, dbPath: string, chunks: number): StoreStatus {
  const counts = countByKind(db);
  const size = fileSize(dbPath) + fileSize(`${dbPath}-wal`);
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  return {
    db_path: dbPath,
    size_bytes: size,
    free_bytes: (db.pragma("freelist_count", { simple: true }) as number) * pageSize,
    bytes_per_chunk: chunks > 0 ? Math.round(size / chunks) : null,
    schema_version: schemaVersion(db),
    entries: counts.entries,
    by_kind: counts.by_kind,
    tags: countTags(db),
  };
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
