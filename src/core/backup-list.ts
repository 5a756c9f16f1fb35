/**
 * Reading the backup folders without a key: `brain backup list`, and which backups were made
 * with a given key (pruning only ever touches those).
 */
import type { BrainConfig } from "./config.ts";
import { listBackupFiles, type BackupFile } from "./backup-files.ts";
import { readBackupHeader } from "./crypto.ts";

/**
 * The backups in `dir` whose header carries `keyId`, newest first. Files another machine made
 * with its own key (a shared iCloud Drive folder), or whose header is unreadable, are left out.
 *
 * @example
 * const mine = await backupsWithKey(config.offsiteDir, keyId);
 */
export async function backupsWithKey(dir: string, keyId: string): Promise<BackupFile[]> {
  const out: BackupFile[] = [];
  for (const file of listBackupFiles(dir)) {
    const header = await readBackupHeader(file.path).catch(() => null);
    if (header?.keyId === keyId) out.push(file);
  }
  return out;
}

/** A backup as `brain backup list` shows it. */
export interface ListedBackup {
  name: string;
  path: string;
  created_at: string;
  bytes: number;
  /** The key id in its header, or null when the header is unreadable. */
  key_id: string | null;
  /** True when the offsite folder holds a file of the same name. */
  offsite: boolean;
}

/**
 * The local backups, newest first, with their key ids and whether each has an offsite copy.
 * Needs no key: nothing is decrypted.
 *
 * @example
 * (await listBackups(config))[0]?.name; // the newest backup
 */
export async function listBackups(config: BrainConfig): Promise<ListedBackup[]> {
  const offsite = new Set(config.offsiteDir ? listBackupFiles(config.offsiteDir).map((f) => f.name) : []);
  const out: ListedBackup[] = [];
  for (const file of listBackupFiles(config.backupDir)) {
    const header = await readBackupHeader(file.path).catch(() => null);
    out.push({
      name: file.name,
      path: file.path,
      created_at: file.time.toISOString(),
      bytes: file.bytes,
      key_id: header?.keyId ?? null,
      offsite: offsite.has(file.name),
    });
  }
  return out;
}
