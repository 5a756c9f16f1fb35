/**
 * The offsite copy: the encrypted backup copied into a second folder (iCloud Drive on a Mac,
 * which syncs it off the machine) under a temporary name, read back and compared, then renamed
 * once the local backup has its final name.
 * Only ciphertext ever goes there.
 */
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { commitFile, ensurePrivateDir, partialPathFor } from "./files.ts";
import { createSyncingWriteStream, IO_BYTES } from "./large-files.ts";
import { BrainError, toBrainError } from "../base/index.ts";

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

/** What became of a backup's offsite copy, as its report says. */
export type OffsiteResult =
  | { status: "copied"; file: string }
  | { status: "skipped" }
  | { status: "failed"; error: { code: string; message: string; hint?: string } };

/** An offsite copy written and compared under its partial name, waiting for its final one. */
export interface StagedCopy {
  tmp: string;
  dest: string;
}

/**
 * Copies the backup `file` into `offsiteDir` under a partial name and reads it back, comparing it
 * byte for byte with `file`; {@link commitOffsite} then gives it the final name `name`. `tag` (the
 * key id) goes into the partial name, so a later run can tell its own leftovers. `file` may itself
 * still be partial: the backup stages the offsite copy while it reads its own file back, and
 * commits the copy only once its own file has its final name.
 * The folder is created (0700) when its parent exists; a missing parent (iCloud Drive turned
 * off), a folder that is not writable, or a full disk throws BrainError `offsite_failed` with
 * the next step, and leaves nothing behind in the offsite folder.
 *
 * @example
 * const staged = await stageOffsite(partial, "brain-2026-03-01T03-30-00-000Z.lbb", config.offsiteDir);
 */
export async function stageOffsite(
  file: string,
  name: string,
  offsiteDir: string,
  options: { copy?: CopyFile; tag?: string } = {},
): Promise<StagedCopy> {
  const dest = path.join(offsiteDir, name);
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
    return { tmp, dest };
  } catch (err) {
    discardOffsite({ tmp, dest });
    throw offsiteError(err, offsiteDir);
  }
}

/**
 * Gives a staged copy its final name (synced, as every backup file). Throws BrainError
 * `offsite_failed`, leaving nothing behind.
 */
export async function commitOffsite(staged: StagedCopy): Promise<string> {
  try {
    await commitFile(staged.tmp, staged.dest);
    return staged.dest;
  } catch (err) {
    discardOffsite(staged);
    throw offsiteError(err, path.dirname(staged.dest));
  }
}

/**
 * Commits the copy {@link stageOffsite} staged (`staging`: the staged copy, or the error that
 * stopped it; null when there is no offsite folder) and says how that went. Never throws: a failed
 * offsite copy leaves the local backup standing.
 *
 * @example
 * const offsite = await finishOffsite(staging); // { status: "copied", file }
 */
export async function finishOffsite(
  staging: Promise<StagedCopy | BrainError> | null,
): Promise<OffsiteResult> {
  if (!staging) return { status: "skipped" };
  try {
    const staged = await staging;
    if (staged instanceof BrainError) throw staged;
    return { status: "copied", file: await commitOffsite(staged) };
  } catch (err) {
    const error = toBrainError(err, "offsite_failed");
    return { status: "failed", error: { code: error.code, message: error.message, hint: error.hint } };
  }
}

/** Removes a staged copy; a folder that is gone or not a folder has nothing to remove. */
export function discardOffsite(staged: StagedCopy): void {
  try {
    fs.rmSync(staged.tmp, { force: true });
  } catch {
    // ENOTDIR, EACCES: the copy never got there either.
  }
}

/** Whether two files hold the same bytes: a memory compare is cheaper than hashing both. */
async function sameBytes(a: string, b: string): Promise<boolean> {
  const fa = await fs.promises.open(a, "r");
  try {
    const fb = await fs.promises.open(b, "r");
    try {
      const [ba, bb] = [Buffer.alloc(IO_BYTES), Buffer.alloc(IO_BYTES)];
      for (let at = 0; ; ) {
        const [ra, rb] = await Promise.all([readFull(fa, ba, at), readFull(fb, bb, at)]);
        if (ra !== rb || !ba.subarray(0, ra).equals(bb.subarray(0, rb))) return false;
        if (ra < IO_BYTES) return true;
        at += ra;
      }
    } finally {
      await fb.close();
    }
  } finally {
    await fa.close();
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
