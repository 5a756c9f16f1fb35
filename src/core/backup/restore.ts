/**
 * Verifying and restoring a backup. Both decrypt into a private temporary file, then prove the
 * database whole (SQLite's integrity check, row counts equal to the manifest's) and compare the
 * keyword index with its text. A restore rebuilds an index that differs and renames the proven
 * file into place; a verify reports it and removes the file. On any failure the temporary
 * plaintext is removed and nothing appears at the target.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { openArchive, type BackupManifest } from "./archive.ts";
import { commitFile, ensurePrivateDir, isAlive, PARTIAL_SUFFIX, parseBackupName } from "./files.ts";
import { removeDatabaseFiles } from "./large-files.ts";
import {
  checkDatabaseFile,
  checkKeywordIndex,
  type KeywordIndexState,
  type NativePaths,
  type RowCounts,
} from "./snapshot.ts";
import { keyIdOf } from "./crypto.ts";
import { BrainError } from "../base/index.ts";

export interface VerifyReport {
  file: string;
  key_id: string;
  manifest: BackupManifest;
  /** The counts found in the decrypted database: equal to the manifest's, or verify throws. */
  counts: RowCounts;
  /** The time the file's name carries (null for a name that is not a backup's); not authenticated. */
  name_time: string | null;
  /** True when that time is not `manifest.created_at`: the file was renamed. */
  name_disagrees: boolean;
  /**
   * The keyword index against the text in the backup: `differs` (verify) when it was not made
   * from exactly that text, `rebuilt` (restore) when it was then made again from it.
   */
  keyword_index: KeywordIndexState;
}

/** The file name's time beside the manifest's: the name is not authenticated, the manifest is. */
function nameCheck(
  file: string,
  manifest: BackupManifest,
): Pick<VerifyReport, "name_time" | "name_disagrees"> {
  const named = parseBackupName(path.basename(file));
  return {
    name_time: named?.toISOString() ?? null,
    name_disagrees: named !== null && named.getTime() !== Date.parse(manifest.created_at),
  };
}

export interface RestoreReport extends VerifyReport {
  /** Where the database now is. */
  restored_to: string;
  /** True when an existing database was replaced (--force). */
  replaced: boolean;
}

/**
 * Checks a backup end to end: authenticates every chunk, then proves the database inside whole.
 * The plaintext goes to a temporary file in `workDir` (0700) and is removed before returning.
 * Throws BrainError `backup_invalid` (tampered, truncated, wrong key, not whole) or `not_found`.
 *
 * @example
 * const report = await verifyBackup(file, { key, workDir: workDirFor(config.dbPath) });
 */
export async function verifyBackup(
  file: string,
  options: { key: Uint8Array; workDir: string; native?: NativePaths },
): Promise<VerifyReport> {
  ensurePrivateDir(options.workDir);
  const tmp = path.join(options.workDir, `verify-${randomBytes(6).toString("hex")}.db`);
  try {
    const manifest = await openArchive(file, tmp, options.key);
    const counts = checkDatabaseFile(tmp, manifest.counts, options.native);
    return {
      file: path.resolve(file),
      key_id: keyIdOf(options.key),
      manifest,
      counts,
      ...nameCheck(file, manifest),
      keyword_index: checkKeywordIndex(tmp, options.native),
    };
  } finally {
    await removeDatabaseFiles(tmp);
  }
}

/**
 * Restores the backup `file` to the database path `to`: decrypts beside it under a temporary
 * name, proves it whole, rebuilds its keyword index if that differs from its text, then renames it
 * into place. An existing database at `to` is refused
 * (BrainError `backup_exists`) unless `force`; with `force` its old -wal and -shm go too, since a
 * stale WAL would be replayed onto the restored file. Close the apps using `to` first.
 *
 * @example
 * await restoreBackup("brain-2026-03-01T03-30-00-000Z.lbb", "/tmp/brain.db", { key });
 */
export async function restoreBackup(
  file: string,
  to: string,
  options: { key: Uint8Array; force?: boolean; native?: NativePaths },
): Promise<RestoreReport> {
  const target = path.resolve(to);
  const existing = existingTarget(target, options.force === true);
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) ensurePrivateDir(dir);
  cleanStaleRestores(target);
  const tmp = path.join(dir, `.${path.basename(target)}.restore-${process.pid}${PARTIAL_SUFFIX}`);
  try {
    const manifest = await openArchive(file, tmp, options.key, { durable: true });
    const counts = checkDatabaseFile(tmp, manifest.counts, options.native);
    const keyword_index = checkKeywordIndex(tmp, options.native, { rebuild: true });
    if (existing)
      for (const extra of ["-wal", "-shm", "-journal"]) fs.rmSync(`${target}${extra}`, { force: true });
    await commitFile(tmp, target);
    return {
      file: path.resolve(file),
      key_id: keyIdOf(options.key),
      manifest,
      counts,
      ...nameCheck(file, manifest),
      keyword_index,
      restored_to: target,
      replaced: existing !== undefined,
    };
  } finally {
    await removeDatabaseFiles(tmp);
  }
}

/** The database already at a restore's target (refused unless `force`), or undefined. */
function existingTarget(target: string, force: boolean): fs.Stats | undefined {
  const existing = fs.statSync(target, { throwIfNoEntry: false });
  if (existing?.isDirectory()) {
    throw new BrainError("bad_input", `${target} is a folder; --to takes the path of the database file.`, {
      hint: `For example --to ${path.join(target, "brain.db")}.`,
    });
  }
  if (existing && !force) {
    throw new BrainError("backup_exists", `${target} already exists, so nothing was restored.`, {
      hint: "Restore to another path, or pass --force to replace it (close Raycast and stop the jobs first).",
    });
  }
  return existing;
}

/** Temporary restores beside `target` whose process is gone (killed mid-restore). */
function cleanStaleRestores(target: string): void {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.restore-`;
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split(".")[0]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}
