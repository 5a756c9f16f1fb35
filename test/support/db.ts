import { openDatabase } from "../../src/core/db/open.ts";

/** How many entries the database file holds, read through a connection of its own. */
export function countEntries(db: string): number {
  const handle = openDatabase(db);
  try {
    return handle.prepare("SELECT count(*) FROM entries").pluck().get() as number;
  } finally {
    handle.close();
  }
}
