import type Database from "better-sqlite3";
import { prepareCached } from "./statements.ts";

/**
 * The SQL on `meta`: small named settings every process of the machine shares (the active
 * embedding model, cloud consent, allowed hosts, the enrichment setting). Each concept keeps its
 * own names; the reads and writes are these.
 */

/** The value of a setting, or undefined when it is not set. */
export function readMeta(db: Database.Database, name: string): string | undefined {
  return prepareCached<[string], { value: string }>(db, "SELECT value FROM meta WHERE name = ?").get(name)
    ?.value;
}

/** Sets a setting, replacing its value. */
export function writeMeta(db: Database.Database, name: string, value: string): void {
  prepareCached(
    db,
    "INSERT INTO meta(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
  ).run(name, value);
}

/** Removes a setting; false when it was not set. */
export function deleteMeta(db: Database.Database, name: string): boolean {
  return prepareCached(db, "DELETE FROM meta WHERE name = ?").run(name).changes > 0;
}
