/**
 * A backup file's content: the manifest and the database, encrypted together in the chunked
 * AES-256-GCM format of crypto-format.ts. The plaintext payload is
 *
 *     u32 big-endian N | N bytes of manifest JSON (UTF-8) | the SQLite database file
 *
 * so the manifest is authenticated exactly like the database (a changed count is a failed tag),
 * yet can be read without a second file. A payload is trusted only after its final chunk
 * authenticated; nothing read from it is used before that.
 */
import { createHash, type Hash } from "node:crypto";
import fs from "node:fs";
import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createDecryptStream, createEncryptStream } from "./crypto.ts";
import { createSyncingWriteStream, IO_BYTES } from "./large-files.ts";
import { BrainError } from "../base/index.ts";
import type { RowCounts } from "./snapshot.ts";

export const MANIFEST_FORMAT = "local-brain-backup";
export const MANIFEST_VERSION = 1;
export const MAX_MANIFEST_BYTES = 1024 * 1024;
const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

/** What a backup says about itself, inside the encryption. */
export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  /** When the snapshot was taken (ISO 8601, from the injected clock). */
  created_at: string;
  /** The database the backup was taken from. */
  source_path: string;
  schema_version: string;
  sqlite_version: string;
  /** Rows per table at the snapshot's instant; a restore must find exactly these. */
  counts: RowCounts;
  /** Size of the database file inside. */
  db_bytes: number;
}

/**
 * Encrypts `manifest` and the database file `dbFile` into the new file `out` (mode 0600, synced)
 * and returns the number of plaintext bytes sealed, for {@link readBackArchive}. `out` should be a
 * temporary name: give it its final name only after the read-back. `signal` stops it early (the
 * partial file is then the caller's to remove).
 *
 * @example
 * const plainBytes = await writeArchive("/data/.backup-work/snap.db", manifest, tmp, key);
 */
export async function writeArchive(
  dbFile: string,
  manifest: BackupManifest,
  out: string,
  key: Uint8Array,
  signal?: AbortSignal,
): Promise<number> {
  const json = Buffer.from(JSON.stringify(manifest), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  let plainBytes = 0;
  async function* payload() {
    for (const part of [length, json]) {
      plainBytes += part.length;
      yield part;
    }
    for await (const chunk of fs.createReadStream(dbFile, { highWaterMark: IO_BYTES })) {
      plainBytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  await pipeline(payload, createEncryptStream(key), createSyncingWriteStream(out), { signal });
  return plainBytes;
}

/**
 * Reads the archive `file` that {@link writeArchive} just wrote back from disk, authenticates
 * every chunk, and checks that it decrypts to `plainBytes` bytes. Returns its size and the
 * SHA-256 of the bytes read. A write the disk dropped or garbled shows here, not at restore time.
 *
 * Why authenticating suffices: the per-file key comes from a fresh random salt, and every chunk is
 * sealed under that key with its index and final flag as the nonce and the header as additional
 * data. So a file that authenticates end to end holds exactly the chunks just written, in order,
 * and nothing after them; a dropped, garbled or extra byte fails a tag. Hashing the plaintext or
 * the ciphertext on the way in as well could only agree.
 *
 * @example
 * const { sha256 } = await readBackArchive(tmp, key, plainBytes);
 */
export async function readBackArchive(
  file: string,
  key: Uint8Array,
  plainBytes: number,
): Promise<{ bytes: number; sha256: string }> {
  const read = hashingPassThrough();
  let plainBack = 0;
  const count = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      plainBack += chunk.length;
      callback();
    },
  });
  await pipeline(
    fs.createReadStream(file, { highWaterMark: IO_BYTES }),
    read.stream,
    createDecryptStream(key, file),
    count,
  );
  if (plainBack !== plainBytes) {
    throw new BrainError("backup_failed", `The encrypted backup ${file} did not read back as written.`, {
      hint: "Check the disk (Disk Utility: First Aid), then run `brain backup` again.",
    });
  }
  return { bytes: fs.statSync(file).size, sha256: read.hash.digest("hex") };
}

/** A stream that passes bytes on unchanged and hashes them (SHA-256). */
function hashingPassThrough(): { stream: Transform; hash: Hash } {
  const hash = createHash("sha256");
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  return { stream, hash };
}

/**
 * Checks and decrypts the backup `file`, writing its database to `dbOut` (a new file, mode 0600)
 * and returning its manifest. With `durable` (a restore, which keeps the file) it is synced every
 * 32 MB as it is written, as a backup's own files are; a verify's throwaway copy is not synced.
 * Throws BrainError `backup_invalid` when the file is not a backup, is truncated or tampered with,
 * or was made with another key; `dbOut` may then hold a partial plaintext, which the caller removes.
 *
 * @example
 * const manifest = await openArchive("brain-2026-03-01T03-30-00-000Z.lbb", "/tmp/x/restore.db", key);
 */
export async function openArchive(
  file: string,
  dbOut: string,
  key: Uint8Array,
  options: { durable?: boolean } = {},
): Promise<BackupManifest> {
  const splitter = new ManifestSplitter(file);
  try {
    await pipeline(
      fs.createReadStream(file),
      createDecryptStream(key, file),
      splitter.stream,
      options.durable
        ? createSyncingWriteStream(dbOut)
        : fs.createWriteStream(dbOut, { flags: "wx", mode: 0o600 }),
    );
  } catch (err) {
    if (err instanceof BrainError) throw err;
    const io = err as NodeJS.ErrnoException;
    if (io.code === "ENOENT" && io.path === file) {
      throw new BrainError("not_found", `${file} does not exist.`, {
        hint: "Check the path; `brain backup list` shows the backups.",
        cause: err,
      });
    }
    throw new BrainError("backup_failed", `Could not read ${file}: ${io.message}`, { cause: err });
  }
  // Only now, with every chunk and the final one authenticated, is the manifest trusted.
  return splitter.finish();
}

/** Peels the length-prefixed manifest off the front of the payload and passes the rest on. */
class ManifestSplitter {
  readonly stream: Transform;
  private head: Buffer = Buffer.alloc(0);
  private manifest: BackupManifest | undefined;
  private dbBytes = 0;
  private firstBytes: Buffer = Buffer.alloc(0);
  private readonly label: string;

  constructor(label: string) {
    this.label = label;
    this.stream = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        try {
          const rest = this.take(chunk);
          if (rest.length > 0) this.stream.push(rest);
          callback();
        } catch (err) {
          callback(err as Error);
        }
      },
    });
  }

  private take(chunk: Buffer): Buffer {
    if (this.manifest) return this.count(chunk);
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < 4) return Buffer.alloc(0);
    const length = this.head.readUInt32BE(0);
    if (length > MAX_MANIFEST_BYTES) throw this.invalid("its manifest is implausibly large");
    if (this.head.length < 4 + length) return Buffer.alloc(0);
    this.manifest = parseManifest(this.head.subarray(4, 4 + length), this.label);
    const rest = this.head.subarray(4 + length);
    this.head = Buffer.alloc(0);
    return this.count(rest);
  }

  private count(chunk: Buffer): Buffer {
    if (this.firstBytes.length < SQLITE_MAGIC.length) {
      this.firstBytes = Buffer.concat([this.firstBytes, chunk.subarray(0, SQLITE_MAGIC.length)]);
    }
    this.dbBytes += chunk.length;
    return chunk;
  }

  finish(): BackupManifest {
    if (!this.manifest) throw this.invalid("it holds no manifest");
    if (!this.firstBytes.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
      throw this.invalid("it holds no SQLite database");
    }
    if (this.dbBytes !== this.manifest.db_bytes) {
      throw this.invalid(
        `its database is ${this.dbBytes} bytes, its manifest says ${this.manifest.db_bytes}`,
      );
    }
    return this.manifest;
  }

  private invalid(why: string): BrainError {
    return new BrainError("backup_invalid", `${this.label} is not a usable Local Brain backup: ${why}.`, {
      hint: "Restore another backup (`brain backup list`).",
    });
  }
}

export function parseManifest(bytes: Buffer, label: string): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch (err) {
    throw new BrainError("backup_invalid", `${label} has an unreadable manifest.`, { cause: err });
  }
  const m = value as Partial<BackupManifest>;
  const countsOk =
    typeof m.counts === "object" &&
    m.counts !== null &&
    Object.values(m.counts).every((n) => Number.isInteger(n) && n >= 0);
  if (
    m.format !== MANIFEST_FORMAT ||
    typeof m.created_at !== "string" ||
    !countsOk ||
    !Number.isInteger(m.db_bytes)
  ) {
    throw new BrainError("backup_invalid", `${label} has a manifest this build does not understand.`, {
      hint: "Update Local Brain, or restore another backup (`brain backup list`).",
    });
  }
  if (m.version !== MANIFEST_VERSION) {
    throw new BrainError(
      "backup_invalid",
      `${label} has manifest version ${m.version}, which this build cannot read.`,
      {
        hint: "Update Local Brain to a version that reads it.",
      },
    );
  }
  return m as BackupManifest;
}
