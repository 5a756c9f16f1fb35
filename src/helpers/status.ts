import { checkOllama, type OllamaStatus } from "../core/adapters/index.ts";
import { listBackups } from "../core/backup/index.ts";
import { createBrain } from "../core/brain.ts";
import { toBrainError, type BrainConfig } from "../core/base/index.ts";
import type { VectorExtension } from "../core/db/index.ts";
import { readJob, type JobControl, type JobProgress } from "../core/jobs/index.ts";

/** A backup older than this is flagged in the menu bar. */
export const BACKUP_WARN_MS = 2 * 24 * 3600 * 1000;

export interface StatusSnapshot {
  dbPath: string;
  entries: number;
  pending: number;
  embedModel: string;
  /** Whether sqlite-vec loaded; null when the database could not be read. */
  sqliteVec: VectorExtension | null;
  /** The newest local backup, if any; `offsite` is null when the offsite folder was not looked at. */
  lastBackup: { name: string; createdAt: string; offsite: boolean | null } | null;
  /** True when there is no backup or the newest is older than two days. */
  backupStale: boolean;
  ollama: OllamaStatus;
  /** The two launchd jobs: installed, running, their last exit code and log line. */
  jobs: { embed: JobProgress; backup: JobProgress };
  /** Set when the database itself could not be read. */
  error?: string;
}

export interface StatusOptions {
  jobs: JobControl;
  /**
   * Launched by Raycast's timer rather than by the person: the iCloud Drive folder is not listed
   * (a background read there can start downloads or a privacy prompt nobody is looking at).
   */
  background: boolean;
}

/**
 * Everything the menu bar shows, read in one go: the counts (the database is opened and closed
 * again), the newest backup, whether Ollama answers, and the jobs' state. Never throws.
 *
 * @example
 * const snapshot = await readStatus(config, new Date(), { jobs, background: false });
 * snapshot.backupStale; // true when the last backup is older than two days
 */
export async function readStatus(
  config: BrainConfig,
  now: Date,
  options: StatusOptions,
): Promise<StatusSnapshot> {
  const ollamaCheck = checkOllama({ host: config.ollamaHost, model: config.embedModel });
  const jobsRead = Promise.all([readJob(options.jobs, "embed"), readJob(options.jobs, "backup")]);
  const store = readStore(config);
  const offsiteDir = options.background ? null : config.offsiteDir;
  const newest = (await listBackups({ ...config, offsiteDir }).catch(() => []))[0];
  const lastBackup = newest
    ? { name: newest.name, createdAt: newest.created_at, offsite: offsiteDir ? newest.offsite : null }
    : null;
  const backupStale = !lastBackup || now.getTime() - Date.parse(lastBackup.createdAt) > BACKUP_WARN_MS;
  const [embed, backup] = await jobsRead;
  return {
    ...store,
    dbPath: config.dbPath,
    embedModel: config.embedModel,
    lastBackup,
    backupStale,
    ollama: await ollamaCheck,
    jobs: { embed, backup },
  };
}

function readStore(config: BrainConfig): Pick<StatusSnapshot, "entries" | "pending" | "sqliteVec" | "error"> {
  try {
    const brain = createBrain(config);
    try {
      const status = brain.status();
      return { entries: status.entries, pending: status.embedding.pending, sqliteVec: status.sqlite_vec };
    } finally {
      brain.close();
    }
  } catch (err) {
    return { entries: 0, pending: 0, sqliteVec: null, error: toBrainError(err).sentence };
  }
}
