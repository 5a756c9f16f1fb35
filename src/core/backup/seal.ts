import fs from "node:fs";
import path from "node:path";
import {
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  readBackArchive,
  writeArchive,
  type BackupManifest,
} from "./archive.ts";
import { commitFile, partialPathFor } from "./files.ts";
import { removeDatabaseFiles } from "./large-files.ts";
import { discardOffsite, type StagedCopy } from "./offsite.ts";
import type { Snapshot } from "./snapshot.ts";
import { BrainError, toBrainError } from "../base/index.ts";

/** Sealing a checked snapshot into a backup file: its manifest, encryption, read-back, rename. */

export function manifestOf(snap: Snapshot, dbPath: string, snapFile: string, now: Date): BackupManifest {
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    created_at: now.toISOString(),
    source_path: path.resolve(dbPath),
    schema_version: snap.schemaVersion,
    sqlite_version: snap.sqliteVersion,
    counts: snap.counts,
    db_bytes: fs.statSync(snapFile).size,
  };
}

/**
 * Encrypts under the partial name while `checked` runs, reads the result back, then renames: the
 * final name means checked and verified. A failed check stops the encryption. The read-back and
 * the offsite copy (`stage`, staged from the partial file and the caller's to commit once this
 * returns) read only the sealed file, so they start as soon as it is written, while the check may
 * still be reading the snapshot. When sealing fails, a staged copy is discarded.
 */
export async function sealInPlace(
  snapFile: string,
  seal: {
    manifest: BackupManifest;
    file: string;
    key: Buffer;
    checked: Promise<void>;
    stage: ((partial: string) => Promise<StagedCopy>) | null;
  },
) {
  const { manifest, file, key, checked } = seal;
  const tmp = partialPathFor(file);
  const stop = new AbortController();
  checked.catch(() => stop.abort());
  let offsiteCopy: Promise<StagedCopy | BrainError> | null = null;
  try {
    const plainBytes = await step(() => writeArchive(snapFile, manifest, tmp, key, stop.signal)).catch(
      async (err: unknown) => {
        // A failed check stopped the write: the check's failure says why.
        await checked;
        throw err;
      },
    );
    offsiteCopy = seal.stage?.(tmp).catch((err: unknown) => toBrainError(err, "offsite_failed")) ?? null;
    const [sealed, check] = await Promise.allSettled([
      step(() => readBackArchive(tmp, key, plainBytes)),
      checked,
    ]);
    if (check.status === "rejected") throw check.reason;
    if (sealed.status === "rejected") throw sealed.reason;
    // The plaintext is no longer needed; the copy reads the partial file by name, so it must be
    // done before the rename. (It never throws: a failed copy is reported after the local backup
    // has its name.)
    const removed = removeDatabaseFiles(snapFile);
    await offsiteCopy;
    await step(() => commitFile(tmp, file)).finally(() => removed.catch(() => undefined));
    return { ...sealed.value, offsiteCopy };
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const staged = await offsiteCopy;
    if (staged && !(staged instanceof BrainError)) discardOffsite(staged);
    throw err;
  }
}

/** Runs one step of a backup; a failure that is not already a BrainError becomes `backup_failed`. */
export async function step<T>(fn: () => Promise<T>): Promise<T> {
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
