/**
 * Encrypted backups: streams, buffer helpers and file functions over the chunked AES-256-GCM
 * format in crypto-format.ts. Files are never held in memory whole, and an output file only
 * appears under its name once every chunk has been written (encrypt) or authenticated (decrypt).
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Decryptor, Encryptor } from "./crypto-format.ts";
import { DEFAULT_CHUNK_BYTES, keyIdOf, parseBackupHeader, type BackupHeader } from "./crypto-header.ts";
import { BrainError } from "../base/index.ts";

export {
  BACKUP_FORMAT_VERSION,
  BACKUP_HEADER_BYTES,
  BACKUP_MAGIC,
  DEFAULT_CHUNK_BYTES,
  MASTER_KEY_BYTES,
  createMasterKey,
  keyIdOf,
  parseBackupHeader,
} from "./crypto-header.ts";
export type { BackupHeader } from "./crypto-header.ts";

/** What an encrypt or decrypt pass did. */
export interface CryptoReport {
  /** Plaintext bytes that went in (encrypt) or came out (decrypt). */
  bytes: number;
  /** The id of the master key used. */
  keyId: string;
}

interface StateMachine {
  readonly plainBytes: number;
  update(data: Buffer): Buffer[];
  final(): Buffer[];
}

function transformOf(machine: StateMachine): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        for (const out of machine.update(chunk)) this.push(out);
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(callback) {
      try {
        for (const out of machine.final()) this.push(out);
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}

/**
 * A stream that encrypts what flows through it into the backup format.
 *
 * @example
 * await pipeline(createReadStream(dbCopy), createEncryptStream(key), createWriteStream(out));
 */
export function createEncryptStream(masterKey: Uint8Array, options: { chunkBytes?: number } = {}): Transform {
  return transformOf(new Encryptor(masterKey, options.chunkBytes ?? DEFAULT_CHUNK_BYTES));
}

/**
 * A stream that checks and decrypts the backup format. It fails with BrainError `backup_invalid`
 * as soon as something does not authenticate; chunks before that were already passed on, so send
 * its output somewhere temporary (as {@link decryptFile} does).
 *
 * @example
 * await pipeline(createReadStream(file), createDecryptStream(key, file), createWriteStream(tmp));
 */
export function createDecryptStream(masterKey: Uint8Array, label = "The backup"): Transform {
  return transformOf(new Decryptor(masterKey, label));
}

/**
 * Encrypts a buffer into the backup format.
 *
 * @example
 * const sealed = encryptBuffer(Buffer.from("hello"), key);
 */
export function encryptBuffer(
  plain: Uint8Array,
  masterKey: Uint8Array,
  options: { chunkBytes?: number } = {},
): Buffer {
  const encryptor = new Encryptor(masterKey, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  return Buffer.concat([...encryptor.update(Buffer.from(plain)), ...encryptor.final()]);
}

/**
 * Checks and decrypts a buffer in the backup format. Throws BrainError `backup_invalid` when it is
 * not a backup, is truncated or tampered with, or was made with another key.
 *
 * @example
 * decryptBuffer(encryptBuffer(Buffer.from("hello"), key), key).toString(); // "hello"
 */
export function decryptBuffer(sealed: Uint8Array, masterKey: Uint8Array, label = "The backup"): Buffer {
  const decryptor = new Decryptor(masterKey, label);
  return Buffer.concat([...decryptor.update(Buffer.from(sealed)), ...decryptor.final()]);
}

/**
 * Encrypts the file `src` into `dest` (mode 0600). `dest` appears only when complete and synced;
 * on failure nothing is left behind.
 *
 * @example
 * await encryptFile("/tmp/brain-snapshot.db", "~/Backups/brain-2025-01-02.lbb", key);
 */
export async function encryptFile(src: string, dest: string, masterKey: Uint8Array): Promise<CryptoReport> {
  return runToFile(src, dest, masterKey, new Encryptor(masterKey, DEFAULT_CHUNK_BYTES));
}

/**
 * Checks and decrypts the backup `src` into `dest` (mode 0600). The plaintext goes to a temporary
 * name beside `dest` and is renamed only after the final chunk authenticated; on any failure it
 * is removed. Throws BrainError `backup_invalid` (truncated, tampered, wrong key, not a backup).
 *
 * @example
 * await decryptFile("brain-2025-01-02.lbb", "/tmp/restored.db", key);
 */
export async function decryptFile(src: string, dest: string, masterKey: Uint8Array): Promise<CryptoReport> {
  return runToFile(src, dest, masterKey, new Decryptor(masterKey, src));
}

/**
 * Checks a backup end to end without writing the plaintext anywhere.
 *
 * @example
 * await verifyFile("brain-2025-01-02.lbb", key); // throws BrainError("backup_invalid") if damaged
 */
export async function verifyFile(src: string, masterKey: Uint8Array): Promise<CryptoReport> {
  const decryptor = new Decryptor(masterKey, src);
  const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  try {
    await pipeline(createReadStream(src), transformOf(decryptor), discard);
  } catch (err) {
    throw fileError(err, src);
  }
  return { bytes: decryptor.plainBytes, keyId: keyIdOf(masterKey) };
}

/**
 * Reads a backup's header (format version, chunk size, key id) without a key.
 *
 * @example
 * (await readBackupHeader("brain-2025-01-02.lbb")).keyId; // "3f9a0c1d22b7e410"
 */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  try {
    const handle = await open(file, "r");
    try {
      const head = Buffer.alloc(64);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return parseBackupHeader(head.subarray(0, bytesRead), file);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw fileError(err, file);
  }
}

/**
 * Streams `src` through `machine` into a temporary name beside `dest`, syncs it, and renames it
 * into place only when the whole pass succeeded; on failure the temporary file is removed.
 */
async function runToFile(
  src: string,
  dest: string,
  key: Uint8Array,
  machine: StateMachine,
): Promise<CryptoReport> {
  const tmp = `${dest}.partial-${randomBytes(6).toString("hex")}`;
  try {
    await pipeline(
      createReadStream(src),
      transformOf(machine),
      createWriteStream(tmp, { flags: "wx", mode: 0o600 }),
    );
    const handle = await open(tmp, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw fileError(err, src);
  }
  return { bytes: machine.plainBytes, keyId: keyIdOf(key) };
}

function fileError(err: unknown, src: string): BrainError {
  if (err instanceof BrainError) return err;
  const io = err as NodeJS.ErrnoException;
  if (io.code === "ENOENT" && io.path === src) {
    return new BrainError("not_found", `${src} does not exist.`, {
      hint: "Check the path; `brain backup list` shows the backups.",
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new BrainError("backup_failed", `Could not read or write the backup: ${message}`, {
    hint: "Check that the folders exist, are writable and have free space.",
    cause: err,
  });
}
