import fs from "node:fs";
import { schemaVersion, type Db } from "../db/index.ts";
import { KINDS, type Kind } from "./kinds.ts";

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

/** Counts by kind, path, size and schema version: the store's part of `brain status`. */
export function storeStatus(db: Db, dbPath: string): StoreStatus {
  const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  const rows = db
    .prepare<[], { kind: Kind; n: number }>("SELECT kind, count(*) AS n FROM entries GROUP BY kind")
    .all();
  let total = 0;
  for (const row of rows) {
    byKind[row.kind] = row.n;
    total += row.n;
  }
  const tags = db.prepare<[], { n: number }>("SELECT count(DISTINCT tag) AS n FROM entry_tags").get()?.n ?? 0;
  const size = fileSize(dbPath) + fileSize(`${dbPath}-wal`);
  const chunks = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM chunks").get()!.n;
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  return {
    db_path: dbPath,
    size_bytes: size,
    free_bytes: (db.pragma("freelist_count", { simple: true }) as number) * pageSize,
    bytes_per_chunk: chunks > 0 ? Math.round(size / chunks) : null,
    schema_version: schemaVersion(db),
    entries: total,
    by_kind: byKind,
    tags,
  };
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
