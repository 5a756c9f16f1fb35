import {
  byManifestTime,
  importBackupKey,
  listBackupFiles,
  listBackups,
  loadBackupKey,
  restoreBackup,
  runBackup,
  verifyBackup,
  withBackupLock,
  type BackupEvent,
  type BackupKey,
  type BackupReport,
  type ImportedKey,
  type ListedBackup,
  type RestoreReport,
  type VerifyReport,
} from "./backup/index.ts";
import { BrainError, type BrainConfig, type Clock } from "./base/index.ts";
import type { SecretsSource } from "./privacy-brain.ts";

/**
 * Encrypted, verified backups of the database, with their key in the OS secret store. None of
 * these opens the database through the Brain: a backup reads it through its own read-only
 * snapshot, and a restore writes a new file.
 */
export interface BackupBrain {
  /** Takes one backup now (the daily job); see runBackup. */
  run(options?: { onEvent?: (event: BackupEvent) => void }): Promise<BackupReport>;
  /** The local backups, newest first; each one's time from its manifest when the key is here. */
  list(): Promise<ListedBackup[]>;
  /** Checks `file` (by default the newest backup by its manifest) end to end. */
  verify(file?: string): Promise<VerifyReport>;
  /** Restores `file` to a new database file at `to` (replacing one only with `force`). */
  restore(file: string, to: string, options?: { force?: boolean }): Promise<RestoreReport>;
  /** The backup key, made when there is none yet (then `created`). */
  exportKey(): Promise<BackupKey>;
  /** Stores a kept backup key (base64) in the secret store; a different one is replaced only with `force`. */
  importKey(text: string, options?: { force?: boolean }): Promise<ImportedKey & { storedIn: string }>;
}

/**
 * The backup part of a Brain over the configuration and a secret store.
 *
 * @example
 * const backup = backupBrain(config, { secrets: () => new MemorySecretStore(), clock: systemClock });
 * const report = await backup.run();
 */
export function backupBrain(
  config: BrainConfig,
  deps: { secrets: SecretsSource; clock: Clock },
): BackupBrain {
  const key = async () => (await loadBackupKey(deps.secrets(), { create: false })).key;
  // Key changes take the backup lock: not while a backup reads the key.
  const locked = <T>(work: () => Promise<T>) => withBackupLock(config.dbPath, work);
  return {
    run: (options = {}) => runBackup(config, { secrets: deps.secrets(), clock: deps.clock, ...options }),
    list: async () => listBackups(config, await key().catch(() => null)),
    verify: async (file) => {
      const opened = await key();
      // The newest by the authenticated manifests, not by names, which anyone can change.
      const target = file ?? (await byManifestTime(listBackupFiles(config.backupDir), opened))[0]?.path;
      if (!target) throw noBackups(config.backupDir);
      const verify = (workDir: string) =>
        verifyBackup(target, { key: opened, workDir, native: config.native });
      return withBackupLock(config.dbPath, verify, { clean: true });
    },
    restore: async (file, to, options = {}) =>
      restoreBackup(file, to, { key: await key(), force: options.force === true, native: config.native }),
    exportKey: () => locked(() => loadBackupKey(deps.secrets(), { create: true })),
    importKey: (text, options = {}) => {
      const store = deps.secrets();
      return locked(async () => ({
        ...(await importBackupKey(store, text, { force: options.force === true })),
        storedIn: store.name,
      }));
    },
  };
}

function noBackups(dir: string): BrainError {
  return new BrainError("not_found", `There are no backups in ${dir} to verify.`, {
    hint: "Take one with `brain backup`, or pass a backup file: `brain backup verify FILE`.",
  });
}
