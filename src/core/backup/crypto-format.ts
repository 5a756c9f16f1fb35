/**
 * The encrypted backup format, as two push-style state machines (Encryptor, Decryptor) that
 * crypto.ts wraps into streams and manifest.ts feeds directly. The header and the keys are in
 * crypto-header.ts.
 *
 * A file is a 56-byte header followed by sealed chunks. Each chunk's nonce is its index plus a
 * final-chunk flag, and each chunk's additional data is the whole header, so truncation, reordering,
 * appended bytes and any flipped bit (header, body or tag) fail authentication. The per-file key is
 * HKDF-SHA256(master key, random salt); the header's key id (a hash of the master key) tells a
 * wrong key apart from a damaged file. The byte layout is in ARCHITECTURE.md.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import {
  BACKUP_HEADER_BYTES,
  BACKUP_MAGIC,
  HINTS,
  MAX_CHUNK_BYTES,
  SALT_BYTES,
  buildHeader,
  checkKey,
  fileKey,
  invalid,
  keyIdBytes,
  parseBackupHeader,
} from "./crypto-header.ts";
import { BrainError } from "../base/index.ts";

const TAG_BYTES = 16;

function chunkNonce(index: number, final: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 3);
  nonce[11] = final ? 1 : 0;
  return nonce;
}

/** A sealed chunk as the buffers to write one after the other (ciphertext, then its tag). */
function sealChunk(key: Buffer, header: Buffer, index: number, final: boolean, plain: Buffer): Buffer[] {
  const cipher = createCipheriv("aes-256-gcm", key, chunkNonce(index, final));
  cipher.setAAD(header);
  const body = cipher.update(plain);
  const rest = cipher.final(); // empty for GCM, a stream cipher mode
  return rest.length > 0 ? [body, rest, cipher.getAuthTag()] : [body, cipher.getAuthTag()];
}

/** The plaintext of a sealed chunk, or null when it does not authenticate. */
function openChunk(
  key: Buffer,
  header: Buffer,
  index: number,
  final: boolean,
  record: Buffer,
): Buffer | null {
  const decipher = createDecipheriv("aes-256-gcm", key, chunkNonce(index, final));
  decipher.setAAD(header);
  decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
  try {
    const body = decipher.update(record.subarray(0, record.length - TAG_BYTES));
    const rest = decipher.final();
    return rest.length > 0 ? Buffer.concat([body, rest]) : body;
  } catch {
    return null;
  }
}

/** Turns plaintext into the backup format, one sealed chunk at a time. */
export class Encryptor {
  private readonly key: Buffer;
  private readonly header: Buffer;
  private readonly pending: Buffer;
  private filled = 0;
  private index = 0;
  private headerSent = false;

  constructor(masterKey: Uint8Array, chunkBytes: number) {
    const master = checkKey(masterKey);
    if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new BrainError("bad_input", `The chunk size must be 1 to ${MAX_CHUNK_BYTES} bytes.`);
    }
    const salt = randomBytes(SALT_BYTES);
    this.key = fileKey(master, salt);
    this.header = buildHeader(keyIdBytes(master), salt, chunkBytes);
    this.pending = Buffer.alloc(chunkBytes);
  }

  update(data: Buffer): Buffer[] {
    const out = this.takeHeader();
    const size = this.pending.length;
    let offset = 0;
    while (offset < data.length) {
      if (this.filled === 0 && data.length - offset >= size) {
        // A whole chunk in the input: seal it where it is, without copying it first.
        out.push(
          ...sealChunk(this.key, this.header, this.index++, false, data.subarray(offset, offset + size)),
        );
        offset += size;
        continue;
      }
      const copied = data.copy(this.pending, this.filled, offset);
      this.filled += copied;
      offset += copied;
      if (this.filled === this.pending.length) {
        out.push(...sealChunk(this.key, this.header, this.index++, false, this.pending));
        this.filled = 0;
      }
    }
    return out;
  }

  /** The final chunk always holds fewer than chunkBytes (possibly zero) bytes of plaintext. */
  final(): Buffer[] {
    const out = this.takeHeader();
    out.push(...sealChunk(this.key, this.header, this.index, true, this.pending.subarray(0, this.filled)));
    return out;
  }

  private takeHeader(): Buffer[] {
    if (this.headerSent) return [];
    this.headerSent = true;
    return [this.header];
  }
}

interface OpenHeader {
  bytes: Buffer;
  recordBytes: number;
  key: Buffer;
  keyIdMismatch: boolean;
}

/** Checks and opens the backup format, releasing each chunk's plaintext once it authenticates. */
export class Decryptor {
  private readonly master: Buffer;
  private readonly label: string;
  /** Input not yet consumed, as it arrived (joined only a record at a time). */
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private header: OpenHeader | undefined;
  private index = 0;

  constructor(masterKey: Uint8Array, label: string) {
    this.master = checkKey(masterKey);
    this.label = label;
  }

  update(data: Buffer): Buffer[] {
    this.queue.push(data);
    this.queued += data.length;
    const header = this.readHeader();
    const out: Buffer[] = [];
    // A full-size record is never the final one: the final chunk is always shorter.
    while (header && this.queued >= header.recordBytes) {
      out.push(this.open(header, this.take(header.recordBytes), false));
    }
    return out;
  }

  final(): Buffer[] {
    const header = this.readHeader();
    const rest = this.take(this.queued);
    if (!header) {
      parseBackupHeader(rest, this.label); // throws: the data ends before its header does
      throw invalid(`${this.label} is truncated: it ends inside its header.`, HINTS.truncated);
    }
    if (rest.length < TAG_BYTES) {
      if (header.keyIdMismatch) throw this.wrongKeyError(header);
      const where = rest.length === 0 ? `after chunk ${this.index}` : `inside chunk ${this.index + 1}`;
      throw invalid(`${this.label} is truncated: it ends ${where}, before its final chunk.`, HINTS.truncated);
    }
    return [this.open(header, rest, true)];
  }

  private readHeader(): OpenHeader | undefined {
    if (this.header) return this.header;
    if (this.queued < BACKUP_HEADER_BYTES) {
      // Reject a file that is not a backup as soon as its first bytes show it.
      const head = Buffer.concat(this.queue);
      const seen = head.subarray(0, BACKUP_MAGIC.length);
      if (!seen.equals(BACKUP_MAGIC.subarray(0, seen.length))) parseBackupHeader(head, this.label);
      return undefined;
    }
    this.header = this.parseHeader(Buffer.from(this.take(BACKUP_HEADER_BYTES)));
    return this.header;
  }

  /** The next `n` queued bytes: a view when one input buffer holds them all, else one copy. */
  private take(n: number): Buffer {
    const first = this.queue[0];
    let out: Buffer;
    if (first && first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.queue.shift();
      else this.queue[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      for (let filled = 0; filled < n; ) {
        const piece = this.queue[0]!;
        const used = piece.copy(out, filled, 0, n - filled);
        filled += used;
        if (used === piece.length) this.queue.shift();
        else this.queue[0] = piece.subarray(used);
      }
    }
    this.queued -= n;
    return out;
  }

  private parseHeader(bytes: Buffer): OpenHeader {
    const { chunkBytes } = parseBackupHeader(bytes, this.label);
    const keyIdMismatch = !bytes.subarray(16, 24).equals(keyIdBytes(this.master));
    const key = fileKey(this.master, bytes.subarray(24, 56));
    return { bytes, recordBytes: chunkBytes + TAG_BYTES, key, keyIdMismatch };
  }

  private open(header: OpenHeader, record: Buffer, final: boolean): Buffer {
    const plain = openChunk(header.key, header.bytes, this.index, final, record);
    if (plain) {
      this.index++;
      return plain;
    }
    if (header.keyIdMismatch && !this.onlyKeyIdAltered(header, record, final))
      throw this.wrongKeyError(header);
    const part = header.keyIdMismatch ? "its header" : `chunk ${this.index + 1}`;
    throw invalid(
      `${this.label} failed its integrity check at ${part}: it was altered, corrupted, cut short or appended to.`,
      HINTS.tampered,
    );
  }

  /** True when the first chunk authenticates once the header carries this key's id again. */
  private onlyKeyIdAltered(header: OpenHeader, record: Buffer, final: boolean): boolean {
    if (this.index !== 0) return false;
    const repaired = Buffer.from(header.bytes);
    keyIdBytes(this.master).copy(repaired, 16);
    return openChunk(header.key, repaired, 0, final, record) !== null;
  }

  private wrongKeyError(header: OpenHeader): BrainError {
    const fileId = header.bytes.subarray(16, 24).toString("hex");
    const ownId = keyIdBytes(this.master).toString("hex");
    return invalid(
      `${this.label} was encrypted with a different key (key id ${fileId}; this key's id is ${ownId}).`,
      HINTS.wrongKey,
    );
  }
}
