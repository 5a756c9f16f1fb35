import type { Db } from "../db/index.ts";
import {
  cleanText,
  contentHash,
  mergeTags,
  type CaptureInput,
  type EntryStore,
  type Kind,
} from "../store/index.ts";
import { toBrainError } from "../base/index.ts";
import {
  findImportFiles,
  readTextFile,
  type FileReader,
  type ImportFile,
  type ImportProblem,
} from "./files.ts";
import { jsonlLines, writeJsonlLine, type JsonlLine } from "./jsonl.ts";
import { noteTags, parseNote, splitNote } from "./markdown.ts";
import { keepPrivate, privateTagsOf } from "./private.ts";
import {
  entriesOfMissingFiles,
  importedRow,
  importedRows,
  keepReason,
  partSource,
  recordImported,
  sourceFile,
  type ImportedRow,
  type KeptEntry,
} from "./tracking.ts";

export type { ImportProblem } from "./files.ts";
export type { KeptEntry } from "./tracking.ts";

export interface ImportOptions {
  /** Entries written per transaction; 500 by default. */
  batchSize?: number;
  /** Called after each batch with files done and files in all. */
  onProgress?: (done: number, total: number) => void;
  /** Keep the entries of files gone from the folders imported (by default they are removed). */
  keepMissing?: boolean;
  /** Reads a file's bytes; `fs.readFileSync` unless a test injects failures. */
  readFile?: FileReader;
}

/** A file that exists but could not be read now: it counts as present, so its entries stay. */
export interface UnreadableFile {
  path: string;
  reason: string;
  /** How many entries made from it were kept. */
  entries: number;
}

/** What an import did, counted in entries (a long file is several). */
export interface ImportReport {
  files: number;
  added: number;
  updated: number;
  unchanged: number;
  /**
   * Entries removed: parts of changed files that are no longer there, and entries of files gone
   * from a folder imported again.
   */
  removed: number;
  /** Entries whose file or part is gone, kept because they were changed in Local Brain since. */
  kept: KeptEntry[];
  failed: ImportProblem[];
  /** Files passed over that are not notes (images, PDFs) or have no text. */
  skipped: ImportProblem[];
  /** Files there but not readable now (iCloud placeholders, read errors): not readable now, kept. */
  unreadable: UnreadableFile[];
  ms: number;
}

type Unit =
  /** `tags` are the whole note's: every part gets them (see `noteTags`). */
  { type: "file"; path: string; tags: string[]; parts: Omit<CaptureInput, "tags">[] } | JsonlLine;

type Counts = Pick<ImportReport, "added" | "updated" | "unchanged" | "removed" | "kept">;
type Deps = { db: Db; entries: EntryStore };

/**
 * Imports folders of Markdown and text notes (an Obsidian vault included) and `.jsonl` files.
 * Each note becomes one entry, or several for a long note, with source `file:<absolute
 * path>#<part>`; re-importing compares content hashes, so unchanged files add nothing, a
 * changed file updates its entries and drops parts that are gone, and the entries of files gone
 * from a folder given again are removed (unless `keepMissing`). An entry changed in Local Brain
 * since it was imported is never removed (it is reported as kept), nor overwritten by a file
 * that has not changed since. A `.jsonl` line with a source
 * is unchanged when an entry with that source and text exists; one without a source when an
 * entry of that kind has the same text and every tag it gives (other tags are added to that
 * entry); a keyed line updates its key. Files that cannot be read
 * and bad lines are reported, never fatal. One transaction per batch.
 *
 * @example
 * const report = await importPaths(brain, ["/Users/me/vault"]);
 * console.log(report.added, report.failed);
 */
export async function importPaths(
  deps: Deps,
  paths: readonly string[],
  options: ImportOptions = {},
): Promise<ImportReport> {
  const started = performance.now();
  const found = findImportFiles(paths);
  const report = startReport(found);
  const batchSize = Math.max(1, options.batchSize ?? 500);
  let pending: Unit[] = [];
  let size = 0;
  const flush = () => {
    if (pending.length > 0) writeBatch(deps, pending, report);
    pending = [];
    size = 0;
  };
  for (const [index, file] of found.files.entries()) {
    for (const unit of readUnits(file, report, options.readFile)) {
      pending.push(unit);
      size += unit.type === "file" ? Math.max(1, unit.parts.length) : 1;
      if (size >= batchSize) flush();
    }
    if (size === 0 || index === found.files.length - 1) {
      options.onProgress?.(index + 1, found.files.length);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  flush();
  const present = [...found.files, ...report.unreadable];
  if (!options.keepMissing) removeMissing(deps, found.folders, present, report, batchSize);
  for (const file of report.unreadable) file.entries = entriesOf(deps.db, file.path);
  options.onProgress?.(found.files.length, found.files.length);
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** The report before anything is written: the files found, and those passed over or unreadable. */
function startReport(found: ReturnType<typeof findImportFiles>): ImportReport {
  return {
    files: found.files.length,
    ...{ added: 0, updated: 0, unchanged: 0, removed: 0, kept: [] },
    failed: [...found.failed],
    skipped: [...found.skipped],
    unreadable: found.unreadable.map((u) => ({ path: u.path, reason: u.reason, entries: 0 })),
    ms: 0,
  };
}

function readUnits(file: ImportFile, report: ImportReport, readFile?: FileReader): Unit[] {
  const read = readTextFile(file.path, readFile);
  if ("reason" in read) {
    if (read.unreadable) report.unreadable.push({ path: file.path, reason: read.reason, entries: 0 });
    else report.failed.push({ path: file.path, reason: read.reason });
    return [];
  }
  if (file.kind === "jsonl") return jsonlLines(file.path, read.text, report.failed);
  const { meta, body } = parseNote(read.text);
  const at = meta.at ?? new Date(read.mtimeMs).toISOString();
  const kind: Kind = meta.kind ?? "note";
  const tags = noteTags(meta, body);
  const parts = splitNote(body).map((text) => ({ text, kind, at, pinned: meta.pinned }));
  if (parts.length === 0) report.skipped.push({ path: file.path, reason: "has no text" });
  return [{ type: "file", path: file.path, tags, parts }];
}

function writeBatch(deps: Deps, units: Unit[], report: ImportReport): void {
  deps.db
    .transaction(() => {
      for (const unit of units) {
        const counts: Counts = { added: 0, updated: 0, unchanged: 0, removed: 0, kept: [] };
        try {
          // A savepoint per unit: a file that fails halfway leaves nothing behind.
          deps.db.transaction(() =>
            unit.type === "file" ? writeFile(deps, unit, counts) : writeJsonlLine(deps, unit, counts),
          )();
        } catch (err) {
          const reason = toBrainError(err, "import_failed").message;
          report.failed.push({
            path: unit.path,
            ...(unit.type === "line" ? { line: unit.line } : {}),
            reason,
          });
          continue;
        }
        for (const key of ["added", "updated", "unchanged", "removed"] as const) report[key] += counts[key];
        report.kept.push(...counts.kept);
      }
    })
    .immediate();
}

function writeFile(deps: Deps, unit: Extract<Unit, { type: "file" }>, counts: Counts) {
  // Other files whose path starts the same are dropped by the exact file check.
  const rows = importedRows(deps.db, `file:${unit.path}#`).filter((r) => sourceFile(r.source) === unit.path);
  const existing = new Map(rows.map((r) => [r.source, r]));
  const privateTags = privateTagsOf(unit.tags);
  unit.parts.forEach((part, i) => {
    const source = partSource(unit.path, i + 1);
    writePart(deps, { ...part, tags: unit.tags, source }, existing.get(source), privateTags, counts);
    existing.delete(source);
  });
  for (const gone of existing.values()) {
    const kept = !removeUnedited(deps, { ...gone, path: unit.path }, counts);
    // A part that must stay came from this note all the same: it is as private as the note.
    if (kept) keepPrivate(deps.entries, gone, privateTags);
  }
}

/** One part of a file, with the note's tags and its source: added, updated or left as it is. */
function writePart(
  deps: Deps,
  part: CaptureInput & { tags: string[]; source: string },
  before: ImportedRow | undefined,
  privateTags: readonly string[],
  counts: Counts,
): void {
  const text = cleanText(part.text);
  const hash = contentHash(text);
  if (!before) {
    // A file's part is tracked by its source: the same text in two files is two entries.
    recordImported(deps.db, deps.entries.capture({ ...part, allowDuplicate: true }).entry.id, hash);
    counts.added++;
    return;
  }
  const tags = mergeTags(part.tags, text);
  if (before.hash === hash && before.kind === part.kind && before.tags === JSON.stringify(tags)) {
    recordImported(deps.db, before.id, hash);
    counts.unchanged++;
  } else if (before.imported === hash && before.hash !== hash) {
    // The file's text is as it was imported; the entry's was changed in Local Brain since: that
    // stays, but a private note's part may not be left public.
    counts[keepPrivate(deps.entries, before, privateTags) ? "updated" : "unchanged"]++;
  } else {
    deps.entries.edit(before.id, { text, kind: part.kind, tags });
    recordImported(deps.db, before.id, hash);
    counts.updated++;
  }
}

/**
 * Deletes an entry whose file or part is gone (its edges go with it), unless it must stay. True
 * when it was deleted.
 */
function removeUnedited(deps: Deps, row: ImportedRow & { path: string }, counts: Counts): boolean {
  const reason = keepReason(row);
  if (reason) {
    counts.kept.push({ id: row.id, path: row.path, reason });
    return false;
  }
  deps.entries.delete(row.id);
  counts.removed++;
  return true;
}

/**
 * Removes the entries of files gone from the folders imported, a batch per transaction. Each is
 * read again inside the transaction, so an edit made meanwhile keeps it.
 */
function removeMissing(
  deps: Deps,
  folders: readonly string[],
  files: readonly { path: string }[],
  report: ImportReport,
  batchSize: number,
): void {
  if (folders.length === 0) return;
  const { gone, kept, unreadable } = entriesOfMissingFiles(
    deps.db,
    folders,
    new Set(files.map((f) => f.path)),
  );
  report.kept.push(...kept);
  for (const [path, reason] of unreadable) report.unreadable.push({ path, reason, entries: 0 });
  for (let i = 0; i < gone.length; i += batchSize) {
    deps.db
      .transaction(() => {
        for (const { id, path } of gone.slice(i, i + batchSize)) {
          const now = importedRow(deps.db, id);
          if (now) removeUnedited(deps, { ...now, path }, report);
        }
      })
      .immediate();
  }
}

/** How many entries were made from `file`. */
function entriesOf(db: Db, file: string): number {
  return importedRows(db, `file:${file}#`).filter((r) => sourceFile(r.source) === file).length;
}
