import type Database from "better-sqlite3";

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * Prepares a statement once per connection and reuses it: queries built from a few fixed shapes
 * (filters on or off) skip SQLite's parser after their first use.
 */
export function prepareCached<P extends unknown[] | Record<string, unknown> = unknown[], R = unknown>(
  db: Database.Database,
  sql: string,
): Database.Statement<P, R> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement as Database.Statement<P, R>;
}

/**
 * What changes whenever any connection writes the database: `data_version` moves when another
 * connection commits, `total_changes()` when this one writes. Cheap enough to ask before every
 * read of something derived and kept in memory (the bit index, what the keyword index holds).
 */
export function writeVersion(db: Database.Database): string {
  return prepareCached<[], { v: string }>(
    db,
    "SELECT (SELECT data_version FROM pragma_data_version) || ':' || total_changes() AS v",
  ).get()!.v;
}
