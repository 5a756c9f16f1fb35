import { checkOllama, type OllamaStatus } from "../core/adapters/ollama.ts";
import { listBackups, runBackup, type BackupReport } from "../core/backup.ts";
import { checkInProcess } from "../core/backup-check.ts";
import { createBrain } from "../core/brain.ts";
import type { BrainConfig } from "../core/config.ts";
import { toBrainError } from "../core/errors.ts";
import type { SecretStore } from "../core/ports.ts";

/** A backup older than this is flagged in the menu bar. */
export const BACKUP_WARN_MS = 2 * 24 * 3600 * 1000;

export interface StatusSnapshot {
  entries: number;
  pending: number;
  embedModel: string;
  /** The newest local backup, if any. */
  lastBackup: { name: string; createdAt: string; offsite: boolean } | null;
  /** True when there is no backup or the newest is older than two days. */
  backupStale: boolean;
  ollama: OllamaStatus;
  /** Set when the database itself could not be read. */
  error?: string;
}

/**
 * Everything the menu bar shows, read in one go: the counts (the database is opened and closed
 * again), the newest backup, and whether Ollama answers. Never throws.
 *
 * @example
 * const snapshot = await readStatus(config, new Date());
 * snapshot.backupStale; // true when the last backup is older than two days
 */
export async function readStatus(config: BrainConfig, now: Date): Promise<StatusSnapshot> {
  const ollamaCheck = checkOllama({ host: config.ollamaHost, model: config.embedModel });
  let counts = { entries: 0, pending: 0 };
  let error: string | undefined;
  try {
    const brain = createBrain(config);
    try {
      const status = brain.status();
      counts = { entries: status.entries, pending: status.embedding.pending };
    } finally {
      brain.close();
    }
  } catch (err) {
    error = toBrainError(err).sentence;
  }
  const newest = (await listBackups(config).catch(() => []))[0];
  const lastBackup = newest
    ? { name: newest.name, createdAt: newest.created_at, offsite: newest.offsite }
    : null;
  const backupStale = !lastBackup || now.getTime() - Date.parse(lastBackup.createdAt) > BACKUP_WARN_MS;
  return {
    ...counts,
    embedModel: config.embedModel,
    lastBackup,
    backupStale,
    ollama: await ollamaCheck,
    error,
  };
}

/**
 * One backup now, as the daily job takes it, with the key from `secrets`. The snapshot's checks
 * run in process: a Raycast command is one bundled script, with no source file to start a worker
 * from.
 *
 * @example
 * const report = await backUpNow(config, detectSecretStore(process.platform));
 */
export async function backUpNow(config: BrainConfig, secrets: SecretStore): Promise<BackupReport> {
  return runBackup(config, { secrets, check: checkInProcess });
}
