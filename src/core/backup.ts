/**
 * The daily backup: a consistent snapshot of the live database (backup-snapshot.ts), proven whole,
 * encrypted with the key from the OS secret store (backup-key.ts, backup-archive.ts), read back,
 * and only then given its final name in the backup folder; then copied offsite
 * (backup-offsite.ts) and both folders pruned (backup-retention.ts). Plaintext exists only in the
 * private work folder beside the database, and is removed before the run ends (or by the next
 * run, after a kill).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  readBackArchive,
  writeArchive,
  type BackupManifest,
} from "./backup-archive.ts";
import {
  acquireBackupLock,
  cleanStaleFiles,
  commitFile,
  ensurePrivateDir,
  freeBackupPath,
  partialPathFor,
  removeLargeFile,
  workDirFor,
} from "./backup-files.ts";
import { backupsWithKey } from "./backup-list.ts";
import { loadBackupKey } from "./backup-key.ts";
import { copyOffsite, type CopyFile } from "./backup-offsite.ts";
import { planRetention } from "./backup-retention.ts";
import { checkDatabaseFile, takeSnapshot, type RowCounts, type Snapshot } from "./backup-snapshot.ts";
import type { BrainConfig } from "./config.ts";
import { BrainError, toBrainError } from "./errors.ts";
import { systemClock, type Clock, type SecretStore } from "./ports.ts";

export { listBackups, type ListedBackup } from "./backup-list.ts";

export interface BackupDeps {
  secrets: SecretStore;
  clock?: Clock;
  /** One call per step, for the job's log (one JSON line each) or a terminal. */
  onEvent?: (event: BackupEvent) => void;
  /** How the offsite copy is written; tests inject a full disk here. */
  copyFile?: CopyFile;
}

export interface PruneResult {
  removed: string[];
  kept: number;
  /** Set when nothing was deleted because a backup is dated in the future. */
  held?: { reason: "future_backup"; files: string[] };
}

export type OffsiteResult =
  | { status: "copied"; file: string }
  | { status: "skipped" }
  | { status: "failed"; error: { code: string; message: string; hint?: string } };

export interface BackupReport {
  file: string;
  bytes: number;
  /** SHA-256 of the encrypted file, as read back from disk (every chunk authenticated). */
  sha256: string;
  created_at: string;
  key_id: string;
  key_created: boolean;
  schema_version: string;
  counts: RowCounts;
  timings: { snapshot_ms: number; check_ms: number; seal_ms: number; total_ms: number };
  offsite: OffsiteResult;
  pruned: { local: PruneResult; offsite?: PruneResult };
}

export type BackupEvent =
  | { event: "start"; db_path: string; backup_dir: string; offsite_dir: string | null }
  | { event: "key_created"; key_id: string }
  | { event: "cleaned"; files: string[] }
  | { event: "snapshot"; ms: number; bytes: number; counts: RowCounts }
  | { event: "checked"; ms: number }
  | { event: "sealed"; file: string; bytes: number; ms: number }
  | { event: "offsite"; file: string }
  | { event: "offsite_failed"; message: string; hint?: string }
  | ({ event: "pruned"; where: "local" | "offsite" } & PruneResult)
  | { event: "done"; file: string; total_ms: number };

/**
 * Takes one backup. Refuses before touching anything when the secret store is unavailable
 * (BrainError `secret_store_unavailable`) or the database is missing (`not_found`). A failed
 * offsite copy does not throw: the local backup is kept and the report's `offsite.status` is
 * "failed" (the CLI exits non-zero).
 *
 * @example
 * const report = await runBackup(config, { secrets: detectSecretStore() });
 */
export async function runBackup(config: BrainConfig, deps: BackupDeps): Promise<BackupReport> {
  const started = performance.now();
  const emit = deps.onEvent ?? (() => undefined);
  const workDir = workDirFor(config.dbPath);
  ensurePrivateDir(workDir);
  const release = acquireBackupLock(workDir);
  try {
    emit({
      event: "start",
      db_path: config.dbPath,
      backup_dir: config.backupDir,
      offsite_dir: config.offsiteDir,
    });
    const { key, keyId, created } = await loadBackupKey(deps.secrets, { create: true });
    if (created) emit({ event: "key_created", key_id: keyId });
    cleanUp(config, workDir, keyId, emit);
    const local = await backupLocally(config, workDir, key, (deps.clock ?? systemClock).now(), emit);
    const offsite = await copyToOffsite(config, local.file, { copy: deps.copyFile, tag: keyId }, emit);
    const now = (deps.clock ?? systemClock).now();
    const pruned = {
      local: await prune(config.backupDir, keyId, path.basename(local.file), now, "local", emit),
      ...(offsite.status === "copied" && config.offsiteDir
        ? {
            offsite: await prune(config.offsiteDir, keyId, path.basename(offsite.file), now, "offsite", emit),
          }
        : {}),
    };
    const total_ms = performance.now() - started;
    emit({ event: "done", file: local.file, total_ms });
    const timings = { ...local.timings, total_ms };
    return { ...local, key_id: keyId, key_created: created, timings, offsite, pruned };
  } finally {
    release();
  }
}

type LocalBackup = Omit<BackupReport, "key_id" | "key_created" | "offsite" | "pruned" | "timings"> & {
  timings: Omit<BackupReport["timings"], "total_ms">;
};

/** Snapshot, check, seal, read back, name: the part that must never leave a wrong file behind. */
async function backupLocally(
  config: BrainConfig,
  workDir: string,
  key: Buffer,
  now: Date,
  emit: (event: BackupEvent) => void,
): Promise<LocalBackup> {
  ensurePrivateDir(config.backupDir);
  const snapFile = path.join(workDir, `snapshot-${randomBytes(6).toString("hex")}.db`);
  try {
    let mark = performance.now();
    const snap = await step(() => takeSnapshot(config.dbPath, snapFile, config.native));
    const snapshot_ms = lap();
    emit({ event: "snapshot", ms: snapshot_ms, bytes: snap.bytes, counts: snap.counts });
    checkDatabaseFile(snapFile, snap.counts, config.native);
    const check_ms = lap();
    emit({ event: "checked", ms: check_ms });
    const manifest = manifestOf(snap, config.dbPath, snapFile, now);
    const file = freeBackupPath(config.backupDir, now);
    const { bytes, sha256 } = await sealInPlace(snapFile, manifest, file, key);
    const seal_ms = lap();
    emit({ event: "sealed", file, bytes, ms: seal_ms });
    const timings = { snapshot_ms, check_ms, seal_ms };
    return {
      file,
      bytes,
      sha256,
      created_at: manifest.created_at,
      schema_version: snap.schemaVersion,
      counts: snap.counts,
      timings,
    };

    function lap(): number {
      const ms = performance.now() - mark;
      mark = performance.now();
      return ms;
    }
  } finally {
    await removeSnapshot(snapFile);
  }
}

/** Removes the plaintext snapshot and what SQLite may have left beside it. */
async function removeSnapshot(snapFile: string): Promise<void> {
  await Promise.all(["", "-journal", "-wal", "-shm"].map((extra) => removeLargeFile(`${snapFile}${extra}`)));
}

function manifestOf(snap: Snapshot, dbPath: string, snapFile: string, now: Date): BackupManifest {
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    created_at: now.toISOString(),
    source_path: path.resolve(dbPath),
    schema_version: snap.schemaVersion,
    sqlite_version: snap.sqliteVersion,
    counts: snap.counts,
    // The checked file: checkDatabaseFile switched it to a rollback journal, which changed its header.
    db_bytes: fs.statSync(snapFile).size,
  };
}

/**
 * Encrypts under the partial name, reads it back, then renames: the final name means verified.
 * The plaintext snapshot is no longer needed once encrypted, so it is removed while the read-back
 * runs.
 */
async function sealInPlace(snapFile: string, manifest: BackupManifest, file: string, key: Buffer) {
  const tmp = partialPathFor(file);
  try {
    const plainBytes = await step(() => writeArchive(snapFile, manifest, tmp, key));
    const removed = removeSnapshot(snapFile);
    const sealed = await step(() => readBackArchive(tmp, key, plainBytes)).finally(() =>
      removed.catch(() => undefined),
    );
    await step(() => commitFile(tmp, file));
    return sealed;
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

async function step<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BrainError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new BrainError("backup_failed", `The backup failed: ${message}`, {
      hint: "Check that the backup folder is writable and the disk has space, then run `brain backup` again.",
      cause: err,
    });
  }
}

/** Leftovers of a run that was killed: the lock is ours, so nobody else owns them. */
function cleanUp(
  config: BrainConfig,
  workDir: string,
  keyId: string,
  emit: (event: BackupEvent) => void,
): void {
  const files = [
    ...cleanStaleFiles(workDir, { all: true }),
    ...cleanStaleFiles(config.backupDir),
    // Another machine may be copying into a shared offsite folder right now: spare fresh ones.
    ...(config.offsiteDir ? cleanStaleFiles(config.offsiteDir, { minAgeMs: 3_600_000, ownTag: keyId }) : []),
  ];
  if (files.length > 0) emit({ event: "cleaned", files });
}

async function copyToOffsite(
  config: BrainConfig,
  file: string,
  options: { copy?: CopyFile; tag: string },
  emit: (event: BackupEvent) => void,
): Promise<OffsiteResult> {
  if (!config.offsiteDir) return { status: "skipped" };
  try {
    const copied = await copyOffsite(file, config.offsiteDir, options);
    emit({ event: "offsite", file: copied });
    return { status: "copied", file: copied };
  } catch (err) {
    const error = toBrainError(err, "offsite_failed");
    emit({ event: "offsite_failed", message: error.message, hint: error.hint });
    return { status: "failed", error: { code: error.code, message: error.message, hint: error.hint } };
  }
}

/** Prunes one folder, touching only backups made with this key (another Mac may share iCloud). */
async function prune(
  dir: string,
  keyId: string,
  protect: string,
  now: Date,
  where: "local" | "offsite",
  emit: (event: BackupEvent) => void,
): Promise<PruneResult> {
  const mine = await backupsWithKey(dir, keyId);
  const plan = planRetention(mine, now, { protect });
  for (const file of plan.remove) await removeLargeFile(file.path);
  const result: PruneResult = {
    removed: plan.remove.map((f) => f.name),
    kept: plan.keep.length,
    ...(plan.held ? { held: plan.held } : {}),
  };
  emit({ event: "pruned", where, ...result });
  return result;
}
