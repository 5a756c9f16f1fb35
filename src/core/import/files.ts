import fs from "node:fs";
import path from "node:path";

/** Finding and reading the files `brain import` takes. */

export type ImportFileKind = "note" | "jsonl";

export interface ImportFile {
  /** Absolute path. */
  path: string;
  kind: ImportFileKind;
}

/** A file or line that was not imported, and why. */
export interface ImportProblem {
  path: string;
  /** The 1-based line of a .jsonl file. */
  line?: number;
  reason: string;
}

export interface FoundFiles {
  files: ImportFile[];
  /** The folders given (absolute): the ones whose files may be gone since the last import. */
  folders: string[];
  /** Files in folders that are not notes (images, PDFs): passed over, not errors. */
  skipped: ImportProblem[];
  /** Paths given that could not be read at all. */
  failed: ImportProblem[];
  /**
   * Notes that exist but cannot be read now: iCloud Drive placeholders (`.Note.md.icloud`, a note
   * not downloaded to this Mac). They count as present: their entries stay.
   */
  unreadable: ImportProblem[];
}

/** Reads a file's bytes: `fs.readFileSync` unless a test puts a failing reader in its place. */
export type FileReader = (file: string) => Buffer;

const NOTE_EXTENSIONS = new Set([".md", ".markdown", ".txt"]);

/**
 * The note and .jsonl files under the given paths, sorted, each once. Folders are walked without
 * following symbolic links to folders; hidden files and folders (`.obsidian`, `.git`, `.trash`)
 * are left out. A path given by name that is not a supported file fails; an unsupported file
 * found in a folder is skipped.
 *
 * @example
 * findImportFiles(["~/vault"]).files // [{ path: "/Users/me/vault/Billing v2.md", kind: "note" }, ...]
 */
export function findImportFiles(paths: readonly string[]): FoundFiles {
  const found: FoundFiles = { files: [], folders: [], skipped: [], failed: [], unreadable: [] };
  const seen = new Set<string>();
  const add = (file: string, named: boolean) => {
    if (seen.has(file)) return;
    seen.add(file);
    const kind = kindOf(file);
    if (kind) found.files.push({ path: file, kind });
    else (named ? found.failed : found.skipped).push({ path: file, reason: unsupported(file) });
  };
  for (const given of paths) {
    const abs = path.resolve(given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch (err) {
      found.failed.push({ path: abs, reason: readReason(err) });
      continue;
    }
    if (stat.isDirectory()) {
      found.folders.push(abs);
      walk(abs, (file) => add(file, false), found);
    } else add(abs, true);
  }
  found.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // A placeholder beside the downloaded file itself (iCloud Drive mid-sync): the file is what counts.
  found.unreadable = found.unreadable.filter((u) => !seen.has(u.path));
  return found;
}

/** iCloud Drive's stand-in for a file not downloaded: `Note.md` appears as `.Note.md.icloud`. */
const ICLOUD_PLACEHOLDER = /^\.(.+)\.icloud$/;

function walk(dir: string, onFile: (file: string) => void, found: FoundFiles): void {
  let items: fs.Dirent[];
  try {
    items = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    found.failed.push({ path: dir, reason: readReason(err) });
    return;
  }
  for (const item of items) {
    const placeholder = ICLOUD_PLACEHOLDER.exec(item.name)?.[1];
    if (placeholder && kindOf(placeholder)) {
      const reason = `is in iCloud Drive but not downloaded to this Mac (${item.name})`;
      found.unreadable.push({ path: path.join(dir, placeholder), reason });
    }
    if (item.name.startsWith(".")) continue;
    const full = path.join(dir, item.name);
    if (item.isDirectory()) walk(full, onFile, found);
    else if (item.isFile()) onFile(full);
    else if (item.isSymbolicLink() && isFile(full)) onFile(full);
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function kindOf(file: string): ImportFileKind | null {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".jsonl") return "jsonl";
  return NOTE_EXTENSIONS.has(ext) ? "note" : null;
}

function unsupported(file: string): string {
  const ext = path.extname(file);
  return `${ext ? `${ext} files are` : "files without an extension are"} not imported (only .md, .markdown, .txt and .jsonl)`;
}

/**
 * A file's text, or why it cannot be imported: unreadable, binary (NUL bytes), or not UTF-8.
 *
 * @example
 * const read = readTextFile("/vault/note.md");
 * if ("reason" in read) console.log(read.reason);
 */
export function readTextFile(
  file: string,
  read: FileReader = fs.readFileSync,
): { text: string; mtimeMs: number } | { reason: string; unreadable?: true } {
  let bytes: Buffer;
  let mtimeMs: number;
  try {
    bytes = read(file);
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch (err) {
    // Gone since the walk: a failure. Anything else (permission, I/O, a file iCloud Drive cannot
    // fetch while offline) means it is there but cannot be read now.
    const gone = (err as NodeJS.ErrnoException).code === "ENOENT";
    return gone ? { reason: readReason(err) } : { reason: readReason(err), unreadable: true };
  }
  if (bytes.subarray(0, 8192).includes(0))
    return { reason: "looks like a binary file (it contains NUL bytes)" };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), mtimeMs };
  } catch {
    return { reason: "is not UTF-8 text" };
  }
}

export function readReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return "does not exist";
  if (code === "EACCES" || code === "EPERM") return "cannot be read (permission denied)";
  if (code === "EISDIR") return "is a folder";
  return `cannot be read (${err instanceof Error ? err.message : String(err)})`;
}
