/**
 * When a backup was taken, read from its manifest rather than its file name: the name is not
 * authenticated (anyone can rename an old backup to a newer date), the manifest is sealed with the
 * key. Listing, the default file to verify and retention all go by this time.
 */
import { open } from "node:fs/promises";
import { MAX_MANIFEST_BYTES, parseManifest, type BackupManifest } from "./archive.ts";
import type { BackupFile } from "./files.ts";
import { Decryptor } from "./crypto-format.ts";
import { BrainError } from "../base/index.ts";

const READ_BYTES = 256 * 1024;

/**
 * The manifest at the front of a backup, from the first chunks only: each chunk is authenticated
 * on its own (AES-GCM with the file's key, its index and the header), so the manifest cannot have
 * been forged or moved from another file without the key. The rest of the file is not read;
 * `verify` checks all of it.
 *
 * @example
 * (await readManifest("brain-2026-03-01T03-30-00-000Z.lbb", key)).created_at
 */
export async function readManifest(file: string, key: Uint8Array): Promise<BackupManifest> {
  const handle = await open(file, "r");
  try {
    const decryptor = new Decryptor(key, file);
    let plain = Buffer.alloc(0);
    for (let pos = 0; ; ) {
      const buf = Buffer.alloc(READ_BYTES);
      const { bytesRead } = await handle.read(buf, 0, READ_BYTES, pos);
      pos += bytesRead;
      const parts = bytesRead === 0 ? decryptor.final() : decryptor.update(buf.subarray(0, bytesRead));
      plain = Buffer.concat([plain, ...parts]);
      const manifest = manifestIn(plain, file);
      if (manifest) return manifest;
      if (bytesRead === 0) throw new BrainError("backup_invalid", `${file} ends before its manifest does.`);
    }
  } finally {
    await handle.close();
  }
}

function manifestIn(plain: Buffer, label: string): BackupManifest | null {
  if (plain.length < 4) return null;
  const length = plain.readUInt32BE(0);
  if (length > MAX_MANIFEST_BYTES) {
    throw new BrainError(
      "backup_invalid",
      `${label} is not a usable Local Brain backup: its manifest is implausibly large.`,
    );
  }
  return plain.length < 4 + length ? null : parseManifest(plain.subarray(4, 4 + length), label);
}

/** A backup file with the time it was taken, and where that time came from. */
export interface TimedBackupFile extends BackupFile {
  /** The time in the file's name, which nothing authenticates. */
  nameTime: Date;
  /** "manifest" when `time` was read from the authenticated manifest, else "name". */
  timeFrom: "manifest" | "name";
}

/**
 * `files` with their manifests' times, newest first by those. A file whose manifest cannot be read
 * with `key` (another key, damaged) keeps its name's time, marked as such.
 *
 * @example
 * const newest = (await byManifestTime(listBackupFiles(dir), key))[0];
 */
export async function byManifestTime(
  files: BackupFile[],
  key: Uint8Array | null,
): Promise<TimedBackupFile[]> {
  const out: TimedBackupFile[] = [];
  for (const file of files) {
    const manifest = key ? await readManifest(file.path, key).catch(() => null) : null;
    const time = manifest ? new Date(manifest.created_at) : null;
    const trusted = time !== null && Number.isFinite(time.getTime());
    out.push({
      ...file,
      time: trusted ? time : file.time,
      nameTime: file.time,
      timeFrom: trusted ? "manifest" : "name",
    });
  }
  return out.sort((a, b) => b.time.getTime() - a.time.getTime() || b.name.localeCompare(a.name));
}

/** True when the time a backup's name carries is not the time its manifest says it was taken. */
export function nameDisagrees(file: TimedBackupFile): boolean {
  return file.timeFrom === "manifest" && file.nameTime.getTime() !== file.time.getTime();
}
