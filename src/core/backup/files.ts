/**
 * Where backup files live and how they get there: names that carry their creation time, private
 * folders (0700) and files (0600), the plaintext work folder beside the database, the one-backup-
 * at-a-time lock, and putting a finished file under its final name (fsync, rename, fsync folder).
 * Writing and removing the large files themselves is in large-files.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { BrainError, acquirePidLock, isAlive, type BrainConfig } from "../base/index.ts";

/** Backup files are named `brain-2026-03-01T03-30-00-000Z.lbb`, in UTC, so names sort by time. */
export const BACKUP_EXTENSION = ".lbb";
const NAME_PATTERN = /^brain-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z(?:-(\d+))?\.lbb$/;
/** Unfinished files: a leading dot and this suffix, never a backup's final name. */
export const PARTIAL_SUFFIX = ".partial";

/** A backup file found in a folder. */
export interface BackupFile {
  name: string;
  path: string;
  /** The time in its name: when the backup was taken. */
  time: Date;
  bytes: number;
}

/**
 * The file name for a backup taken at `time`; `n` > 0 tells apart two taken in the same millisecond.
 *
 * @example
 * backupFileName(new Date("2026-03-01T03:30:00Z")); // "brain-2026-03-01T03-30-00-000Z.lbb"
 */
export function backupFileName(time: Date, n = 0): string {
  const stamp = time.toISOString().replace(/:/g, "-").replace(".", "-");
  return `brain-${stamp}${n > 0 ? `-${n}` : ""}${BACKUP_EXTENSION}`;
}

/**
 * The time a backup's file name carries, or null when the name is not a backup's.
 *
 * @example
 * parseBackupName("brain-2026-03-01T03-30-00-000Z.lbb")?.toISOString(); // "2026-03-01T03:30:00.000Z"
 */
export function parseBackupName(name: string): Date | null {
  const m = NAME_PATTERN.exec(name);
  if (!m) return null;
  const time = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
  return Number.isNaN(time.getTime()) ? null : time;
}

/**
 * The backups in `dir`, newest first. Other files (partial copies, a person's own files) are left
 * out, so nothing else is ever listed, verified or pruned. A missing folder has no backups.
 *
 * @example
 * listBackupFiles(config.backupDir)[0]?.name; // the newest backup
 */
export function listBackupFiles(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const files: BackupFile[] = [];
  for (const name of names) {
    const time = parseBackupName(name);
    if (!time) continue;
    const stat = fs.statSync(path.join(dir, name), { throwIfNoEntry: false });
    if (stat?.isFile()) files.push({ name, path: path.join(dir, name), time, bytes: stat.size });
  }
  return files.sort((a, b) => b.time.getTime() - a.time.getTime() || b.name.localeCompare(a.name));
}

/**
 * Creates `dir` (and missing parents) and makes it 0700: backups are the person's alone.
 *
 * @example
 * ensurePrivateDir(config.backupDir);
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/**
 * The private folder (0700) beside the database where the plaintext snapshot is made and checked.
 * It is on the same disk as the database and no more exposed than the database itself; nothing
 * in it outlives a backup run (see {@link cleanWorkDir}).
 *
 * @example
 * workDirFor("/data/brain.db"); // "/data/.backup-work"
 */
export function workDirFor(dbPath: string): string {
  return path.join(path.dirname(path.resolve(dbPath)), ".backup-work");
}

/**
 * Removes what an interrupted run left: plaintext snapshots in the work folder (`all`) and
 * unfinished `.….partial` files in the backup folders. Called while holding the backup lock, so
 * no live run of this machine owns them. In a folder another machine may be copying into right
 * now (a shared iCloud Drive), partial files are removed only when they carry `ownTag` (this
 * key's id) or are older than `minAgeMs`.
 */
export function cleanStaleFiles(
  dir: string,
  options: { all?: boolean; minAgeMs?: number; ownTag?: string } = {},
): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const cutoff = Date.now() - (options.minAgeMs ?? 0);
  for (const name of names) {
    if (name === LOCK_NAME) continue;
    if (!options.all && !(name.startsWith(".") && name.endsWith(PARTIAL_SUFFIX))) continue;
    const file = path.join(dir, name);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    const own = options.ownTag !== undefined && name.endsWith(`.${options.ownTag}${PARTIAL_SUFFIX}`);
    if (!stat?.isFile() || (!own && stat.mtimeMs > cutoff)) continue;
    fs.rmSync(file, { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Removes what a killed run left (see {@link cleanStaleFiles}) from the work folder and both backup
 * folders, and returns the names removed. Called by the run that now holds the lock, so nobody
 * else owns them; in the offsite folder, which another machine may be copying into right now,
 * only this key's partial files and ones over an hour old.
 */
export function cleanLeftovers(
  config: Pick<BrainConfig, "backupDir" | "offsiteDir">,
  workDir: string,
  keyId: string,
): string[] {
  return [
    ...cleanStaleFiles(workDir, { all: true }),
    ...cleanStaleFiles(config.backupDir),
    ...(config.offsiteDir ? cleanStaleFiles(config.offsiteDir, { minAgeMs: 3_600_000, ownTag: keyId }) : []),
  ];
}

/**
 * What a run interrupted by SIGINT or SIGTERM does on its way out: removes its plaintext and its
 * lock from the work folder. Only for the process that holds the lock.
 *
 * @example
 * process.once("SIGTERM", () => { abandonWorkDir(workDir); process.exit(143); });
 */
export function abandonWorkDir(workDir: string): void {
  cleanStaleFiles(workDir, { all: true });
  fs.rmSync(path.join(workDir, LOCK_NAME), { force: true });
}

/**
 * The temporary name beside `finalPath` a file is written under until it is verified; `tag`
 * (a key id) marks it as this machine's in a shared folder.
 */
export function partialPathFor(finalPath: string, tag?: string): string {
  const base = `.${path.basename(finalPath)}${tag ? `.${tag}` : ""}${PARTIAL_SUFFIX}`;
  return path.join(path.dirname(finalPath), base);
}

/**
 * A name for a new backup in `dir` that no file has yet (same-millisecond backups get `-1`, `-2`).
 */
export function freeBackupPath(dir: string, time: Date): string {
  for (let n = 0; ; n++) {
    const candidate = path.join(dir, backupFileName(time, n));
    if (!fs.existsSync(candidate) && !fs.existsSync(partialPathFor(candidate))) return candidate;
  }
}

/**
 * Makes a verified temporary file durable and gives it its final name: fsync the file, rename it,
 * fsync the folder so the rename survives a power cut. Mode 0600.
 *
 * @example
 * await commitFile(partialPathFor(dest), dest);
 */
export async function commitFile(tmp: string, dest: string): Promise<void> {
  const handle = await fs.promises.open(tmp, "r+");
  try {
    await handle.chmod(0o600);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(tmp, dest);
  await syncDir(path.dirname(dest));
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await fs.promises.open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems (network, FUSE) cannot sync a folder; the rename itself is still atomic.
  }
}

const LOCK_NAME = "backup.lock";

/**
 * One backup (or key creation) at a time per database: a pid lock in the work folder.
 *
 * @example
 * const release = acquireBackupLock(workDir);
 * try { ... } finally { release(); }
 */
export function acquireBackupLock(workDir: string): () => void {
  return acquirePidLock(
    path.join(workDir, LOCK_NAME),
    (owner) =>
      new BrainError("backup_failed", `Another backup (pid ${owner}) is running on this database.`, {
        hint: "Wait for it to finish, then run `brain backup` again if needed.",
      }),
  );
}

export { isAlive };
