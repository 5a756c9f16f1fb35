/**
 * Reading the backup folders without a key: `brain backup list`, and which backups were made
 * with a given key (pruning only ever touches those).
 */
import type { BrainConfig } from "../base/index.ts";
import { listBackupFiles, type BackupFile } from "./files.ts";
import { byManifestTime, nameDisagrees } from "./manifest.ts";
import { readBackupHeader } from "./crypto.ts";

/**
 * The backups in `dir` whose header carries the key's id, newest first by the time in their
 * authenticated manifests (retention goes by it, not by names). Files another machine made with its
 * own key (a shared iCloud Drive folder), or whose header is unreadable, are left out.
 *
 * @example
 * const mine = await backupsWithKey(config.offsiteDir, keyId, key);
 */
export async function backupsWithKey(dir: string, keyId: string, key: Uint8Array): Promise<BackupFile[]> {
  const out: BackupFile[] = [];
  for (const file of listBackupFiles(dir)) {
    const header = await readBackupHeader(file.path).catch(() => null);
    if (header?.keyId === keyId) out.push(file);
  }
  return byManifestTime(out, key);
}

/** A backup as `brain backup list` shows it. */
export interface ListedBackup {
  name: string;
  path: string;
  /** When it was taken: from its authenticated manifest when the key can read it, else from its name. */
  created_at: string;
  /** Where `created_at` came from. */
  time_from: "manifest" | "name";
  /** The time its file name carries, which nothing authenticates. */
  name_time: string;
  /** True when the name's time is not the manifest's: the file was renamed. */
  name_disagrees: boolean;
  bytes: number;
  /** The key id in its header, or null when the header is unreadable. */
  key_id: string | null;
  /** True when the offsite folder holds a file of the same name. */
  offsite: boolean;
}

/**
 * The local backups, newest first, with their key ids and whether each has an offsite copy. With
 * the key, each one's time comes from its authenticated manifest (the first chunks are decrypted);
 * without it, or for another key's backups, from its name, marked as such.
 *
 * @example
 * (await listBackups(config, key))[0]?.name; // the newest backup
 */
export async function listBackups(
  config: BrainConfig,
  key: Uint8Array | null = null,
): Promise<ListedBackup[]> {
  const offsite = new Set(config.offsiteDir ? listBackupFiles(config.offsiteDir).map((f) => f.name) : []);
  const out: ListedBackup[] = [];
  for (const file of await byManifestTime(listBackupFiles(config.backupDir), key)) {
    const header = await readBackupHeader(file.path).catch(() => null);
    out.push({
      name: file.name,
      path: file.path,
      created_at: file.time.toISOString(),
      time_from: file.timeFrom,
      name_time: file.nameTime.toISOString(),
      name_disagrees: nameDisagrees(file),
      bytes: file.bytes,
      key_id: header?.keyId ?? null,
      offsite: offsite.has(file.name),
    });
  }
  return out;
}
