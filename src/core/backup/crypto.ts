/**
 * Encrypted backups as streams over the chunked AES-256-GCM format in crypto-format.ts (archive.ts
 * seals and opens backup files with them), and a backup's header read without a key. Files are
 * never held in memory whole.
 */
import { open } from "node:fs/promises";
import { Transform } from "node:stream";
import { Decryptor, Encryptor } from "./crypto-format.ts";
import { DEFAULT_CHUNK_BYTES, parseBackupHeader, type BackupHeader } from "./crypto-header.ts";
import { BrainError } from "../base/index.ts";

export {
  BACKUP_HEADER_BYTES,
  DEFAULT_CHUNK_BYTES,
  MASTER_KEY_BYTES,
  createMasterKey,
  keyIdOf,
} from "./crypto-header.ts";
export type { BackupHeader } from "./crypto-header.ts";

interface StateMachine {
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
export function createEncryptStream(masterKey: Uint8Array): Transform {
  return transformOf(new Encryptor(masterKey, DEFAULT_CHUNK_BYTES));
}

/**
 * A stream that checks and decrypts the backup format. It fails with BrainError `backup_invalid`
 * as soon as something does not authenticate; chunks before that were already passed on, so send
 * its output somewhere temporary (as openArchive in archive.ts does).
 *
 * @example
 * await pipeline(createReadStream(file), createDecryptStream(key, file), createWriteStream(tmp));
 */
export function createDecryptStream(masterKey: Uint8Array, label = "The backup"): Transform {
  return transformOf(new Decryptor(masterKey, label));
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
    throw headerReadError(err, file);
  }
}

function headerReadError(err: unknown, file: string): BrainError {
  if (err instanceof BrainError) return err;
  const io = err as NodeJS.ErrnoException;
  if (io.code === "ENOENT" && io.path === file) {
    return new BrainError("not_found", `${file} does not exist.`, {
      hint: "Check the path; `brain backup list` shows the backups.",
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new BrainError("backup_failed", `Could not read the backup ${file}: ${message}`, {
    hint: "Check that the file is readable.",
    cause: err,
  });
}
