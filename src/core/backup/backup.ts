/**
 * The daily backup: a consistent snapshot of the live database (backup-snapshot.ts), proven whole
 * on a worker thread (backup-check.ts) while it is encrypted with the key from the OS secret store
 * (backup-key.ts, backup-archive.ts), read back, and only then given its final name in the backup
 * folder; the offsite copy (backup-offsite.ts) is staged while the read-back runs and renamed
 * after; then both folders are pruned (backup-retention.ts). Plaintext exists only in the private
 * work folder beside the database, and is removed before the run ends (or by the next run, after a
 * kill).
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { BackupManifest } from "./archive.ts";
import { cleanLeftovers, ensurePrivateDir, freeBackupPath } from "./files.ts";
import { withBackupLock } from "./lock.ts";
import { loadBackupKey } from "./key.ts";
import {
  finishOffsite,
  stageOffsite,
  type CopyFile,
  type OffsiteResult,
  type StagedCopy,
} from "./offsite.ts";
import { pruneFolder, type PruneResult } from "./prune.ts";
import { checkOnWorker, type CheckSnapshot } from "./check.ts";
import { makeStandalone, takeSnapshot, type RowCounts } from "./snapshot.ts";
import { BrainError, systemClock, type Clock, type SecretStore, type BrainConfig } from "../base/index.ts";
import { manifestOf, sealInPlace, step } from "./seal.ts";
import { removeDatabaseFiles } from "./large-files.ts";

export { listBackups, type ListedBackup } from "./list.ts";
export type { OffsiteResult } from "./offsite.ts";
export type { PruneResult } from "./prune.ts";

export interface BackupDeps {
  secrets: SecretStore;
  clock?: Clock;
  /** One call per step, for the job's log (one JSON line each) or a terminal. */
  onEvent?: (event: BackupEvent) => void;
  /** How the offsite copy is written; tests inject a full disk here. */
  copyFile?: CopyFile;
  /** Where the snapshot's check runs: a worker thread unless the host cannot start one. */
  check?: CheckSnapshot;
}

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
 * const report = await runBackup(config, { secrets: new MemorySecretStore() });
 */
export async function runBackup(config: BrainConfig, deps: BackupDeps): Promise<BackupReport> {
  const started = performance.now();
  const emit = deps.onEvent ?? (() => undefined);
  return withBackupLock(config.dbPath, async (workDir) => {
    emit({
      event: "start",
      db_path: config.dbPath,
      backup_dir: config.backupDir,
      offsite_dir: config.offsiteDir,
    });
    const { key, keyId, created } = await loadBackupKey(deps.secrets, { create: true });
    if (created) emit({ event: "key_created", key_id: keyId });
    const cleaned = cleanLeftovers(config, workDir, keyId);
    if (cleaned.length > 0) emit({ event: "cleaned", files: cleaned });
    const clock = deps.clock ?? systemClock;
    const { offsiteCopy, ...local } = await backupLocally(
      config,
      workDir,
      key,
      clock.now(),
      { check: deps.check ?? checkOnWorker, copy: deps.copyFile, tag: keyId },
      emit,
    );
    const offsite = await settleOffsite(offsiteCopy, emit);
    const pruned = await pruneBoth(
      config,
      { id: keyId, bytes: key },
      { local: local.file, offsite },
      clock,
      emit,
    );
    const total_ms = performance.now() - started;
    emit({ event: "done", file: local.file, total_ms });
    const timings = { ...local.timings, total_ms };
    return { ...local, key_id: keyId, key_created: created, timings, offsite, pruned };
  });
}

/** Commits the staged offsite copy (or reports why there is none) and tells the log. */
async function settleOffsite(
  staged: Promise<StagedCopy | BrainError> | null,
  emit: (event: BackupEvent) => void,
): Promise<OffsiteResult> {
  const offsite = await finishOffsite(staged);
  if (offsite.status === "copied") emit({ event: "offsite", file: offsite.file });
  if (offsite.status === "failed") {
    emit({ event: "offsite_failed", message: offsite.error.message, hint: offsite.error.hint });
  }
  return offsite;
}

/** Retention in the backup folder, and in the offsite folder when the copy reached it. */
async function pruneBoth(
  config: BrainConfig,
  key: { id: string; bytes: Buffer },
  made: { local: string; offsite: OffsiteResult },
  clock: Clock,
  emit: (event: BackupEvent) => void,
): Promise<BackupReport["pruned"]> {
  const now = clock.now();
  const prune = async (dir: string, protect: string, where: "local" | "offsite") => {
    const result = await pruneFolder(dir, key, path.basename(protect), now);
    emit({ event: "pruned", where, ...result });
    return result;
  };
  const { offsite } = made;
  return {
    local: await prune(config.backupDir, made.local, "local"),
    ...(offsite.status === "copied" && config.offsiteDir
      ? { offsite: await prune(config.offsiteDir, offsite.file, "offsite") }
      : {}),
  };
}

type LocalBackup = Omit<BackupReport, "key_id" | "key_created" | "offsite" | "pruned" | "timings"> & {
  timings: Omit<BackupReport["timings"], "total_ms">;
  /** The offsite copy, staged beside the read-back: null when there is no offsite folder. */
  offsiteCopy: Promise<StagedCopy | BrainError> | null;
};

/** How a run checks its snapshot and copies offsite. */
interface LocalOptions {
  check: CheckSnapshot;
  copy?: CopyFile;
  /** The key id, marking this machine's partial files in a shared offsite folder. */
  tag: string;
}

/**
 * Snapshot, check, seal, read back, name: the part that must never leave a wrong file behind. The
 * check runs beside the sealing (see check.ts); the sealed file keeps its partial name
 * until both have finished and the check passed.
 */
async function backupLocally(
  config: BrainConfig,
  workDir: string,
  key: Buffer,
  now: Date,
  options: LocalOptions,
  emit: (event: BackupEvent) => void,
): Promise<LocalBackup> {
  ensurePrivateDir(config.backupDir);
  const snapFile = path.join(workDir, `snapshot-${randomBytes(6).toString("hex")}.db`);
  try {
    const started = performance.now();
    const snap = await step(() => takeSnapshot(config.dbPath, snapFile, config.native));
    const snapshot_ms = performance.now() - started;
    emit({ event: "snapshot", ms: snapshot_ms, bytes: snap.bytes, counts: snap.counts });
    // Switching the journal mode changes the header: before anything reads the file for sealing.
    makeStandalone(snapFile, config.native);
    const manifest = manifestOf(snap, config.dbPath, snapFile, now);
    const file = freeBackupPath(config.backupDir, now);
    const sealed = await checkAndSeal(config, snapFile, { manifest, file, key }, options, emit);
    return {
      file,
      created_at: manifest.created_at,
      schema_version: snap.schemaVersion,
      counts: snap.counts,
      ...sealed,
      timings: { snapshot_ms, ...sealed.timings },
    };
  } finally {
    await removeDatabaseFiles(snapFile);
  }
}

/** The snapshot's checks beside its sealing (and the offsite copy staged from the sealed file). */
async function checkAndSeal(
  config: BrainConfig,
  snapFile: string,
  seal: { manifest: BackupManifest; file: string; key: Buffer },
  options: LocalOptions,
  emit: (event: BackupEvent) => void,
) {
  const sealing = performance.now();
  let check_ms = 0;
  const checked = step(() => options.check(snapFile, seal.manifest.counts, config.native)).then(() => {
    check_ms = performance.now() - sealing;
    emit({ event: "checked", ms: check_ms });
  });
  const { offsiteDir } = config;
  const name = path.basename(seal.file);
  const stage = offsiteDir
    ? (partial: string) => stageOffsite(partial, name, offsiteDir, { copy: options.copy, tag: options.tag })
    : null;
  const { bytes, sha256, offsiteCopy } = await sealInPlace(snapFile, { ...seal, checked, stage });
  const seal_ms = performance.now() - sealing;
  emit({ event: "sealed", file: seal.file, bytes, ms: seal_ms });
  return { bytes, sha256, offsiteCopy, timings: { check_ms, seal_ms } };
}
