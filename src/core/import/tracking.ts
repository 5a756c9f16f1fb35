import fs from "node:fs";
import path from "node:path";
import { prepareCached, type Db } from "../db/index.ts";
import { entriesWithSourcePrefix, sourceRow, type SourceRow } from "../store/index.ts";
import { readReason } from "./files.ts";

/**
 * What `brain import` wrote, and which of its entries lost their file. Each entry made from a
 * file has the source `file:<absolute path>#<part>`; the `imported` table keeps the hash of the
 * text the import last wrote to it, so an entry changed in Local Brain since can be told apart.
 */

/** An entry whose file (or part) is gone but that was kept, and why. */
export interface KeptEntry {
  id: number;
  path: string;
  reason: string;
}

/** An entry made from a file, with the hash of its text now and the one the import wrote. */
export interface ImportedRow extends SourceRow {
  /** Null for entries imported before imports were recorded. */
  imported: string | null;
}

/** The source of part `part` (from 1) of a file. */
export function partSource(file: string, part: number): string {
  return `file:${file}#${part}`;
}

/**
 * The entries whose source starts with `prefix` (a range on the source index), each with its
 * imported hash: two queries, the second by primary key for all the ids at once.
 */
export function importedRows(db: Db, prefix: string): ImportedRow[] {
  const rows = entriesWithSourcePrefix(db, prefix);
  if (rows.length === 0) return [];
  const hashes = new Map(
    prepareCached<[string], { entry_id: number; hash: string }>(
      db,
      "SELECT entry_id, hash FROM imported WHERE entry_id IN (SELECT value FROM json_each(?))",
    )
      .all(JSON.stringify(rows.map((r) => r.id)))
      .map((r) => [r.entry_id, r.hash]),
  );
  return rows.map((r) => ({ ...r, imported: hashes.get(r.id) ?? null }));
}

/** One entry as `importedRows` reads it, or undefined when it is gone. */
export function importedRow(db: Db, id: number): ImportedRow | undefined {
  const row = sourceRow(db, id);
  if (!row) return undefined;
  const imported = prepareCached<[number], { hash: string }>(
    db,
    "SELECT hash FROM imported WHERE entry_id = ?",
  ).get(id);
  return { ...row, imported: imported?.hash ?? null };
}

/** Records that the import wrote (or found) text with this hash in the entry. */
export function recordImported(db: Db, id: number, hash: string): void {
  prepareCached(
    db,
    `INSERT INTO imported(entry_id, hash) VALUES (?, ?)
     ON CONFLICT(entry_id) DO UPDATE SET hash = excluded.hash WHERE hash IS NOT excluded.hash`,
  ).run(id, hash);
}

/**
 * Why an entry whose file or part is gone must stay, or null when it may go: it may only while
 * its text is still what the import wrote.
 */
export function keepReason(row: Pick<ImportedRow, "hash" | "imported">): string | null {
  if (row.imported === null) return "no record of what was imported (imported by an older version)";
  return row.hash === row.imported ? null : "changed in Local Brain since it was imported";
}

/** The file an imported entry came from, or null for a source that is not `file:<path>#<part>`. */
export function sourceFile(source: string): string | null {
  const hash = source.lastIndexOf("#");
  if (!source.startsWith("file:") || hash < 0 || !/^\d+$/.test(source.slice(hash + 1))) return null;
  return source.slice("file:".length, hash);
}

/**
 * The entries made from files under the folders imported this run whose file no longer exists.
 * Only folders count, and only files that are truly gone: a file that failed to read, or sits
 * where the walk does not go, still exists and keeps its entries. A folder in which no file at
 * all was found (an emptied or unmounted drive) removes nothing: its entries are returned as kept.
 *
 * @example
 * const { gone, kept } = entriesOfMissingFiles(db, ["/Users/me/vault"], foundPaths);
 */
export function entriesOfMissingFiles(
  db: Db,
  folders: readonly string[],
  found: ReadonlySet<string>,
): { gone: (ImportedRow & { path: string })[]; kept: KeptEntry[]; unreadable: Map<string, string> } {
  const gone = new Map<number, ImportedRow & { path: string }>();
  const kept = new Map<number, KeptEntry>();
  const exists = new Map<string, true | false | string>();
  for (const folder of folders) {
    const inside = `${folder}${path.sep}`;
    const empty = ![...found].some((file) => file.startsWith(inside));
    for (const row of importedRows(db, `file:${inside}`)) {
      const file = sourceFile(row.source);
      if (file === null || found.has(file)) continue;
      let there = exists.get(file);
      if (there === undefined) exists.set(file, (there = fileExists(file)));
      if (there !== false) continue;
      if (empty) kept.set(row.id, { id: row.id, path: file, reason: "no notes were found in its folder" });
      else gone.set(row.id, { ...row, path: file });
    }
  }
  const unreadable = new Map([...exists].filter((e): e is [string, string] => typeof e[1] === "string"));
  return { gone: [...gone.values()], kept: [...kept.values()], unreadable };
}

/**
 * False only when the file is not there (ENOENT, ENOTDIR). A file that is there but cannot be read
 * now (a folder where it was, a stat that fails) gives the reason; a file the walk passed over, true.
 */
function fileExists(file: string): boolean | string {
  try {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat === undefined) return false;
    return stat.isFile() ? true : "is a folder now, not a file";
  } catch (err) {
    return readReason(err);
  }
}
