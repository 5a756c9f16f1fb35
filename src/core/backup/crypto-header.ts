/**
 * The backup format's header and keys: the 56-byte header that starts every file (magic,
 * version, chunk size, the master key's id, a random salt), the master key and its public id, and
 * the per-file key derived from the salt. crypto-format.ts seals and opens the chunks that follow.
 * The byte layout is in ARCHITECTURE.md.
 */
import { createHash, hkdfSync, randomBytes } from "node:crypto";
import { BrainError } from "../base/index.ts";

export const BACKUP_MAGIC = Buffer.from("LBBACKUP", "ascii");
export const BACKUP_FORMAT_VERSION = 1;
export const BACKUP_HEADER_BYTES = 56;
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
export const MASTER_KEY_BYTES = 32;
export const SALT_BYTES = 32;
const KEY_ID_BYTES = 8;
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
const HKDF_INFO = Buffer.from("local-brain backup v1 aes-256-gcm file key", "ascii");
const KEY_ID_CONTEXT = Buffer.from("local-brain backup key id v1\0", "ascii");

/**
 * A new random 32-byte master key.
 *
 * @example
 * const key = createMasterKey();
 * await secrets.set("local-brain", "backup-key", key.toString("base64"));
 */
export function createMasterKey(): Buffer {
  return randomBytes(MASTER_KEY_BYTES);
}

/**
 * The short public id of a master key (16 hex characters), stored in every backup header.
 *
 * @example
 * keyIdOf(key); // "3f9a0c1d22b7e410"
 */
export function keyIdOf(masterKey: Uint8Array): string {
  return keyIdBytes(checkKey(masterKey)).toString("hex");
}

/** The key id as the header stores it (8 bytes). */
export function keyIdBytes(key: Buffer): Buffer {
  return createHash("sha256").update(KEY_ID_CONTEXT).update(key).digest().subarray(0, KEY_ID_BYTES);
}

/** The master key as a Buffer, or BrainError `bad_input` when it is not 32 bytes. */
export function checkKey(masterKey: Uint8Array): Buffer {
  if (!(masterKey instanceof Uint8Array) || masterKey.length !== MASTER_KEY_BYTES) {
    const got = masterKey instanceof Uint8Array ? `${masterKey.length} bytes` : typeof masterKey;
    throw new BrainError("bad_input", `The backup key must be ${MASTER_KEY_BYTES} bytes; got ${got}.`, {
      hint: "Use the key `brain backup export-key` prints (base64 of 32 bytes).",
    });
  }
  return Buffer.from(masterKey.buffer, masterKey.byteOffset, masterKey.byteLength);
}

/** The per-file key: HKDF-SHA256 of the master key and the header's salt. */
export function fileKey(masterKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, salt, HKDF_INFO, 32));
}

/** A new header: magic, version, chunk size, the master key's id and a fresh salt. */
export function buildHeader(keyId: Buffer, salt: Buffer, chunkBytes: number): Buffer {
  const header = Buffer.alloc(BACKUP_HEADER_BYTES);
  BACKUP_MAGIC.copy(header, 0);
  header[8] = BACKUP_FORMAT_VERSION;
  header.writeUInt32BE(chunkBytes, 12);
  keyId.copy(header, 16);
  salt.copy(header, 24);
  return header;
}

/** The next step for each way a file can fail to open. */
export const HINTS = {
  notBackup: "Choose a file made by `brain backup`; `brain backup list` shows them.",
  truncated:
    "This copy is incomplete: copy it again from its source, or restore another backup (`brain backup list`).",
  tampered: "Do not trust this file: restore another backup (`brain backup list`).",
  wrongKey:
    "Use the key this backup was made with: `brain backup export-key` on the machine that made it prints it.",
  version: "Update Local Brain to a version that reads this backup format.",
};

/** A `backup_invalid` error with its hint. */
export function invalid(message: string, hint: string): BrainError {
  return new BrainError("backup_invalid", message, { hint });
}

/** What a backup header says about itself. */
export interface BackupHeader {
  version: number;
  chunkBytes: number;
  /** Hex id of the master key the file was encrypted with (see {@link keyIdOf}). */
  keyId: string;
}

/**
 * Reads a backup header (the first {@link BACKUP_HEADER_BYTES} bytes) without any key. Only
 * decryption proves the header authentic.
 *
 * @example
 * parseBackupHeader(firstBytes, "backup-2025-01-02.lbb").keyId; // "3f9a0c1d22b7e410"
 */
export function parseBackupHeader(bytes: Buffer, label = "The backup"): BackupHeader {
  const seen = bytes.subarray(0, BACKUP_MAGIC.length);
  if (bytes.length === 0) throw invalid(`${label} is empty: not a Local Brain backup.`, HINTS.notBackup);
  if (!seen.equals(BACKUP_MAGIC.subarray(0, seen.length))) {
    throw invalid(`${label} is not a Local Brain backup.`, HINTS.notBackup);
  }
  if (bytes.length < BACKUP_HEADER_BYTES) {
    throw invalid(`${label} is truncated: it ends inside its header.`, HINTS.truncated);
  }
  const version = bytes[8] ?? 0;
  if (version !== BACKUP_FORMAT_VERSION) {
    throw invalid(
      `${label} uses backup format version ${version}, which this build cannot read.`,
      HINTS.version,
    );
  }
  const chunkBytes = bytes.readUInt32BE(12);
  if (bytes.readUIntBE(9, 3) !== 0 || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
    throw invalid(`${label} has a damaged header.`, HINTS.tampered);
  }
  return { version, chunkBytes, keyId: bytes.subarray(16, 24).toString("hex") };
}
