/**
 * Writing and removing files of hundreds of MB (snapshots, backups, restored databases) so that
 * other processes' commits do not queue behind one huge flush: writes synced every 32 MB, files
 * shrunk in 32 MB steps before they are unlinked.
 */
import fs from "node:fs";
import { Writable } from "node:stream";

/** Bytes per read of a backup or snapshot: hundreds of MB, and each read and write is a system call. */
export const IO_BYTES = 1024 * 1024;

/** How much a backup writes between syncs: small enough that no sync is a long stall for others. */
const SYNC_EVERY_BYTES = 32 * 1024 * 1024;

/**
 * A write stream to a new file (O_EXCL, mode 0600) that syncs every 32 MB and once at the end. A
 * backup writes hundreds of MB; left to the kernel, that lands as one huge flush which other
 * processes' commits (a capture's checkpoint fsync) then queue behind. Syncing as it goes keeps
 * each flush short. Writing waits for each sync: letting the next 32 MB go out while a sync ran
 * was no faster overall and made a capture in another process wait 140-220 ms instead of under
 * 60 ms (100k entries, 540 MB). The file is durable once the stream finishes.
 *
 * @example
 * await pipeline(source, createEncryptStream(key), createSyncingWriteStream(tmp));
 */
export function createSyncingWriteStream(file: string): Writable {
  let handle: fs.promises.FileHandle | undefined;
  let unsynced = 0;
  const opened = fs.promises.open(file, "wx", 0o600).then((h) => (handle = h));
  const done = (callback: (err?: Error | null) => void) => (err: unknown) =>
    callback(err instanceof Error ? err : err ? new Error(String(err)) : null);
  async function writeAll(chunks: Buffer[]): Promise<void> {
    const h = handle ?? (await opened);
    let rest = chunks;
    while (rest.length > 0) {
      let { bytesWritten } = await h.writev(rest);
      unsynced += bytesWritten;
      // A short write: drop what went out and write the remainder.
      while (rest.length > 0 && bytesWritten >= rest[0]!.length) bytesWritten -= rest.shift()!.length;
      if (rest.length > 0) rest = [rest[0]!.subarray(bytesWritten), ...rest.slice(1)];
    }
    if (unsynced >= SYNC_EVERY_BYTES) {
      unsynced = 0;
      await h.datasync();
    }
  }
  return new Writable({
    writev(chunks, callback) {
      writeAll(chunks.map((c) => c.chunk as Buffer)).then(() => callback(), done(callback));
    },
    final(callback) {
      void (async () => {
        const h = handle ?? (await opened);
        await h.sync();
        await h.close();
        handle = undefined;
      })().then(() => callback(), done(callback));
    },
    destroy(err, callback) {
      void opened
        .then(() => handle?.close())
        .catch(() => undefined)
        .then(() => callback(err));
    },
  });
}

/** How much of a large file one truncation frees (see {@link removeLargeFile}). */
const FREE_STEP_BYTES = 32 * 1024 * 1024;

/**
 * Removes a file that may be hundreds of MB (a snapshot, an old backup) without making other
 * processes' commits wait. On ext4, unlinking a large file frees all its blocks in one journal
 * transaction, and a capture's checkpoint fsync then queues behind it (measured: 214 ms at 540 MB).
 * Shrinking it in 32 MB steps first keeps each of those transactions small. A missing file is fine.
 */
export async function removeLargeFile(file: string): Promise<void> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, "r+");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  try {
    for (let size = (await handle.stat()).size; size > 0; ) {
      size = Math.max(0, size - FREE_STEP_BYTES);
      await handle.truncate(size);
    }
  } finally {
    await handle.close();
  }
  await fs.promises.rm(file, { force: true });
}

/**
 * Removes a database file and what SQLite may have left beside it (journal, WAL, shared memory),
 * each as {@link removeLargeFile}: a plaintext snapshot, or the decrypted copy of a verify.
 */
export async function removeDatabaseFiles(file: string): Promise<void> {
  await Promise.all(["", "-journal", "-wal", "-shm"].map((extra) => removeLargeFile(`${file}${extra}`)));
}
