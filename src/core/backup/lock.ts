import { abandonWorkDir, acquireBackupLock, cleanStaleFiles, ensurePrivateDir, workDirFor } from "./files.ts";

const EXIT_STATUS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Runs `work` in the private work folder beside the database (0700, made when missing) while
 * holding the backup lock, so one backup, verify or key change runs at a time per database. With
 * `clean`, plaintext a killed run left in the folder is removed first (the lock is ours, so no
 * live run owns it). When SIGINT or SIGTERM stops the process meanwhile (Ctrl-C, launchd or
 * systemd at shutdown), the plaintext and the lock go too and the process exits 130 or 143;
 * otherwise the lock is released when `work` settles.
 *
 * @example
 * const report = await withBackupLock(config.dbPath, (workDir) => verifyBackup(file, { key, workDir }), { clean: true });
 */
export async function withBackupLock<T>(
  dbPath: string,
  work: (workDir: string) => Promise<T>,
  options: { clean?: boolean } = {},
): Promise<T> {
  const workDir = workDirFor(dbPath);
  ensurePrivateDir(workDir);
  const release = acquireBackupLock(workDir);
  const stop = (signal: NodeJS.Signals) => {
    abandonWorkDir(workDir);
    process.exit(EXIT_STATUS[signal] ?? 1);
  };
  // `on`, not `once`: a second signal while cleaning up must not fall to the default and kill.
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    if (options.clean) cleanStaleFiles(workDir, { all: true });
    return await work(workDir);
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    release();
  }
}
