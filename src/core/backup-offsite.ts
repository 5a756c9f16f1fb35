/**
 * The offsite copy: the encrypted backup copied into a second folder (iCloud Drive on a Mac,
 * which syncs it off the machine) under a temporary name, read back and compared, then renamed.
 * Only ciphertext ever goes there.
 */
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import {
  commitFile,
  createSyncingWriteStream,
  ensurePrivateDir,
  IO_BYTES,
  partialPathFor,
} from "./backup-files.ts";
import { BrainError } from "./errors.ts";

/**
 * Copies a file to a new file (created exclusively, mode 0600). The port tests use to play a full
 * disk or a failing network drive.
 */
export type CopyFile = (src: string, dest: string) => Promise<void>;

/** A streamed copy, synced as it goes (see createSyncingWriteStream). */
export const streamCopy: CopyFile = async (src, dest) => {
  await pipeline(fs.createReadStream(src, { highWaterMark: IO_BYTES }), createSyncingWriteStream(dest));
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
 * `tag` (the key id) goes into the temporary name, so a later run can tell its own leftovers.
 * The copy is read back and compared byte for byte with the backup (which sealing already read
 * back and authenticated) before it gets its final name.
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
  options: { copy?: CopyFile; tag?: string } = {},
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
    if (!(await sameBytes(file, tmp))) {
      throw Object.assign(new Error("the copy differs from the backup"), { code: "EIO" });
    }
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

/** Whether two files hold the same bytes: a memory compare is cheaper than hashing both. */
async function sameBytes(a: string, b: string): Promise<boolean> {
  const [fa, fb] = await Promise.all([fs.promises.open(a, "r"), fs.promises.open(b, "r")]);
  try {
    const [ba, bb] = [Buffer.alloc(IO_BYTES), Buffer.alloc(IO_BYTES)];
    for (let at = 0; ; ) {
      const [ra, rb] = await Promise.all([readFull(fa, ba, at), readFull(fb, bb, at)]);
      if (ra !== rb || !ba.subarray(0, ra).equals(bb.subarray(0, rb))) return false;
      if (ra < IO_BYTES) return true;
      at += ra;
    }
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

/** Fills `buffer` from `position` on, short only at the end of the file. */
async function readFull(handle: fs.promises.FileHandle, buffer: Buffer, position: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
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
