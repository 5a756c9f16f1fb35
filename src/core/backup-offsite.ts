/**
 * The offsite copy: the encrypted backup copied into a second folder (iCloud Drive on a Mac,
 * which syncs it off the machine) under a temporary name, read back and compared, then renamed.
 * Only ciphertext ever goes there.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { commitFile, createSyncingWriteStream, ensurePrivateDir, partialPathFor } from "./backup-files.ts";
import { BrainError } from "./errors.ts";

/**
 * Copies a file to a new file (created exclusively, mode 0600). The port tests use to play a full
 * disk or a failing network drive.
 */
export type CopyFile = (src: string, dest: string) => Promise<void>;

/** A streamed copy, synced as it goes (see createSyncingWriteStream). */
export const streamCopy: CopyFile = async (src, dest) => {
  await pipeline(fs.createReadStream(src), createSyncingWriteStream(dest));
};

/**
 * A copy-on-write clone where the file system offers one (APFS: iCloud Drive sits on the same
 * volume as the backups, so the copy costs no writes), else an ordinary copy.
 */
export const cloneCopy: CopyFile = async (src, dest) => {
  await fs.promises.copyFile(src, dest, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE);
  await fs.promises.chmod(dest, 0o600);
};

/** The real {@link CopyFile}: a clone on macOS, a synced stream elsewhere. */
export const defaultCopy: CopyFile = process.platform === "darwin" ? cloneCopy : streamCopy;

/**
 * Copies the backup `file` into `offsiteDir` under the same name and returns the copy's path;
 * `tag` (the key id) goes into the temporary name, so a later run can tell its own leftovers;
 * `sha256` (the backup's, from sealing) spares reading the backup again to compare.
 * The folder is created (0700) when its parent exists; a missing parent (iCloud Drive turned
 * off), a folder that is not writable, or a full disk throws BrainError `offsite_failed` with
 * the next step, and leaves nothing behind in the offsite folder.
 *
 * @example
 * await copyOffsite("/data/backups/brain-2026-03-01T03-30-00-000Z.lbb", config.offsiteDir);
 */
export async function copyOffsite(
  file: string,
  offsiteDir: string,
  options: { copy?: CopyFile; tag?: string; sha256?: string } = {},
): Promise<string> {
  const dest = path.join(offsiteDir, path.basename(file));
  const tmp = partialPathFor(dest, options.tag);
  const copy = options.copy ?? defaultCopy;
  try {
    if (!fs.existsSync(offsiteDir) && !fs.existsSync(path.dirname(offsiteDir))) {
      throw Object.assign(new Error(`${path.dirname(offsiteDir)} does not exist`), { code: "ENOENT" });
    }
    ensurePrivateDir(offsiteDir);
    fs.rmSync(tmp, { force: true });
    await copy(file, tmp);
    const [mine, theirs] = await Promise.all([options.sha256 ?? sha256(file), sha256(tmp)]);
    if (mine !== theirs) throw Object.assign(new Error("the copy differs from the backup"), { code: "EIO" });
    await commitFile(tmp, dest);
    return dest;
  } catch (err) {
    removeQuietly(tmp);
    throw offsiteError(err, offsiteDir);
  }
}

/** Removes a partial copy; a folder that is gone or not a folder has nothing to remove. */
function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // ENOTDIR, EACCES: the copy never got there either.
  }
}

async function sha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Names the problem by its cause, so the person knows what to fix. */
function offsiteError(err: unknown, dir: string): BrainError {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  const detail = err instanceof Error ? err.message : String(err);
  const [message, hint] =
    code === "ENOENT" || code === "ENOTDIR"
      ? [
          `The offsite folder ${dir} is missing and cannot be created (${detail}).`,
          "Turn on iCloud Drive (System Settings > Apple Account > iCloud), or set BRAIN_OFFSITE_DIR to a folder that exists (empty to skip the copy).",
        ]
      : code === "EACCES" || code === "EPERM" || code === "EROFS"
        ? [
            `The offsite folder ${dir} is not writable (${detail}).`,
            "Check the folder's permissions, or set BRAIN_OFFSITE_DIR to a writable folder.",
          ]
        : code === "ENOSPC" || code === "EDQUOT"
          ? [
              `The offsite folder ${dir} is full (${detail}).`,
              "Free space in iCloud Drive (or on that disk), then run `brain backup` again.",
            ]
          : [
              `Could not copy the backup to ${dir}: ${detail}.`,
              "Check the folder, then run `brain backup` again.",
            ];
  return new BrainError("offsite_failed", `${message} The local backup was kept.`, { hint, cause: err });
}
