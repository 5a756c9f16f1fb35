import type Database from "better-sqlite3";
import type { Migration } from "./migration.ts";
import { migrations001to009 } from "./migrations-001-009.ts";
import { migrations010to013 } from "./migrations-010-013.ts";
import { migrations014on } from "./migrations-014.ts";

export type { Migration } from "./migration.ts";

/**
 * Named migrations, applied in order once each and recorded in `migrations`. Never edit one that
 * has shipped: add a new one (to the newest file, or a new file when it would pass 300 lines).
 * Each carries its why next to its SQL.
 */
export const migrations: Migration[] = [...migrations001to009, ...migrations010to013, ...migrations014on];

/**
 * Applies the migrations not yet recorded, each in its own IMMEDIATE transaction, so two
 * processes opening a new database at once apply each migration exactly once.
 */
export function migrate(db: Database.Database, list: Migration[] = migrations): void {
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`);
  const applied = db.prepare<[string], { name: string }>("SELECT name FROM migrations WHERE name = ?");
  const record = db.prepare("INSERT INTO migrations(name, applied_at) VALUES (?, ?)");
  for (const migration of list) {
    if (applied.get(migration.name)) continue;
    db.transaction(() => {
      if (applied.get(migration.name)) return;
      db.exec(migration.sql);
      record.run(migration.name, Date.now());
    }).immediate();
  }
}

/** The name of the newest applied migration: the schema version `brain status` shows. */
export function schemaVersion(db: Database.Database): string {
  const row = db
    .prepare<[], { name: string }>("SELECT name FROM migrations ORDER BY rowid DESC LIMIT 1")
    .get();
  return row?.name ?? "none";
}
