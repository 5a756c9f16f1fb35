import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BACKUP_HEADER_BYTES,
  DEFAULT_CHUNK_BYTES,
  createDecryptStream,
  createEncryptStream,
  createMasterKey,
  decryptBuffer,
  decryptFile,
  encryptBuffer,
  encryptFile,
  keyIdOf,
  readBackupHeader,
  verifyFile,
} from "../src/core/backup/crypto.ts";
import { BrainError } from "../src/core/base/errors.ts";

const C = DEFAULT_CHUNK_BYTES;
const TAG = 16;
const RECORD = C + TAG;
const H = BACKUP_HEADER_BYTES;

let dir: string;
const key = createMasterKey();

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "brain-crypto-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function file(name: string, data?: Uint8Array): string {
  const p = path.join(dir, `${++counter}-${name}`);
  if (data) fs.writeFileSync(p, data);
  return p;
}

function sealedSize(n: number): number {
  return H + Math.floor(n / C) * RECORD + (n % C) + TAG;
}

/** Decrypts `sealed` from a file and expects `backup_invalid` with a message matching `pattern`. */
async function expectInvalidFile(sealed: Buffer, pattern: RegExp, withKey = key): Promise<BrainError> {
  const src = file("in.lbb", sealed);
  const dest = file("out.db");
  const before = fs.readdirSync(dir).length;
  const err = await decryptFile(src, dest, withKey).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BrainError);
  const brainErr = err as BrainError;
  expect(brainErr.code).toBe("backup_invalid");
  expect(brainErr.message).toMatch(pattern);
  expect(brainErr.hint).toBeTruthy();
  expect(fs.existsSync(dest)).toBe(false);
  expect(fs.readdirSync(dir).length).toBe(before); // no partial output left behind
  expect(() => decryptBuffer(sealed, withKey)).toThrow(pattern);
  return brainErr;
}

function flip(data: Buffer, offset: number, bit = 0): Buffer {
  const copy = Buffer.from(data);
  copy[offset] = (copy[offset] ?? 0) ^ (1 << bit);
  return copy;
}

describe("round trips", () => {
  const sizes: Array<[string, number]> = [
    ["0 bytes", 0],
    ["1 byte", 1],
    ["chunk - 1", C - 1],
    ["chunk", C],
    ["chunk + 1", C + 1],
    ["several MB", 5 * 1024 * 1024 + 3],
  ];

  it.each(sizes)("files of %s", async (_name, size) => {
    const plain = randomBytes(size);
    const src = file("plain.db", plain);
    const sealed = file("sealed.lbb");
    const out = file("restored.db");
    const enc = await encryptFile(src, sealed, key);
    expect(enc).toEqual({ bytes: size, keyId: keyIdOf(key) });
    expect(fs.statSync(sealed).size).toBe(sealedSize(size));
    expect(fs.statSync(sealed).mode & 0o777).toBe(0o600);
    const dec = await decryptFile(sealed, out, key);
    expect(dec.bytes).toBe(size);
    expect(fs.readFileSync(out).equals(plain)).toBe(true);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect((await verifyFile(sealed, key)).bytes).toBe(size);
  });

  it.each(sizes)("buffers of %s", (_name, size) => {
    const plain = randomBytes(size);
    const sealed = encryptBuffer(plain, key);
    expect(sealed.length).toBe(sealedSize(size));
    expect(decryptBuffer(sealed, key).equals(plain)).toBe(true);
  });

  it("streams fed in odd-sized pieces, down to single bytes", async () => {
    const plain = randomBytes(2 * C + 77);
    const sealed = encryptBuffer(plain, key);
    const pieces: Buffer[] = [];
    for (let i = 0, step = 1; i < sealed.length; i += step, step = (step * 7 + 3) % 5003 || 1) {
      pieces.push(sealed.subarray(i, i + step));
    }
    expect(pieces.some((p) => p.length === 1)).toBe(true);
    const out: Buffer[] = [];
    for await (const chunk of Readable.from(pieces).pipe(createDecryptStream(key))) out.push(chunk as Buffer);
    expect(Buffer.concat(out).equals(plain)).toBe(true);
  });

  it("encrypts the same data differently each time and never shows the plaintext", async () => {
    const plain = Buffer.from("my secret note ".repeat(1000));
    const a = encryptBuffer(plain, key);
    const b = encryptBuffer(plain, key);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from("my secret note"))).toBe(false);
    const streamed: Buffer[] = [];
    for await (const chunk of Readable.from([plain]).pipe(createEncryptStream(key)))
      streamed.push(chunk as Buffer);
    expect(decryptBuffer(Buffer.concat(streamed), key).equals(plain)).toBe(true);
  });

  it("reads the header without a key", async () => {
    const sealed = file("h.lbb", encryptBuffer(Buffer.from("x"), key));
    expect(await readBackupHeader(sealed)).toEqual({ version: 1, chunkBytes: C, keyId: keyIdOf(key) });
    expect(keyIdOf(key)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(createMasterKey())).not.toBe(keyIdOf(key));
  });
});

describe("tamper matrix", () => {
  // Three full chunks and a short final one.
  const plain = randomBytes(3 * C + 100);
  let sealed: Buffer;
  beforeAll(() => {
    sealed = encryptBuffer(plain, key);
    expect(sealed.length).toBe(H + 3 * RECORD + 100 + TAG);
  });

  it.each([
    ["inside the magic", 5, /truncated: it ends inside its header/],
    ["inside the header", 30, /truncated: it ends inside its header/],
    ["right after the header", H, /truncated: it ends after chunk 0/],
    ["inside a tag-sized tail", H + 10, /truncated: it ends inside chunk 1/],
    ["inside chunk 2", H + RECORD + 5000, /integrity check at chunk 2.*cut short/],
    ["exactly at the first chunk boundary", H + RECORD, /truncated: it ends after chunk 1/],
    ["exactly at the last full-chunk boundary", H + 3 * RECORD, /truncated: it ends after chunk 3/],
    ["one byte short", -1, /integrity check at chunk 4/],
  ])("truncated %s", async (_name, at, pattern) => {
    await expectInvalidFile(sealed.subarray(0, at < 0 ? sealed.length + at : at), pattern);
  });

  it("truncated at a chunk boundary when the plaintext fills whole chunks", async () => {
    const whole = encryptBuffer(randomBytes(2 * C), key);
    expect(whole.length).toBe(H + 2 * RECORD + TAG); // an empty final chunk marks the end
    await expectInvalidFile(whole.subarray(0, H + 2 * RECORD), /truncated: it ends after chunk 2/);
    await expectInvalidFile(Buffer.concat([whole, Buffer.from([0])]), /integrity check at chunk 3/);
  });

  it.each([
    ["magic", 0, 0, /not a Local Brain backup/],
    ["version", 8, 0, /format version 0/],
    ["reserved byte", 10, 0, /damaged header/],
    ["chunk size (to zero)", 13, 0, /damaged header/],
    ["chunk size (to 8 MiB)", 13, 7, /integrity check at chunk 1/],
    ["key id", 20, 3, /integrity check at its header/],
    ["salt", 40, 5, /integrity check at chunk 1/],
  ])("a flipped bit in the header's %s", async (_name, offset, bit, pattern) => {
    await expectInvalidFile(flip(sealed, offset, bit), pattern);
  });

  it.each([
    ["the body of chunk 1", H + 10, /chunk 1/],
    ["the body of chunk 3", H + 2 * RECORD + 999, /chunk 3/],
    ["the tag of chunk 2", H + 2 * RECORD - 1, /chunk 2/],
    ["the body of the final chunk", H + 3 * RECORD + 3, /chunk 4/],
    ["the tag of the final chunk", -1, /chunk 4/],
  ])("a flipped bit in %s", async (_name, offset, pattern) => {
    const at = offset < 0 ? sealed.length + offset : offset;
    const err = await expectInvalidFile(flip(sealed, at, 7), /failed its integrity check/);
    expect(err.message).toMatch(pattern);
  });

  it("two chunks swapped", async () => {
    const records = [0, 1, 2].map((i) => sealed.subarray(H + i * RECORD, H + (i + 1) * RECORD));
    const [r0, r1, r2] = records as [Buffer, Buffer, Buffer];
    const swapped = Buffer.concat([sealed.subarray(0, H), r0, r2, r1, sealed.subarray(H + 3 * RECORD)]);
    expect(swapped.length).toBe(sealed.length);
    await expectInvalidFile(swapped, /integrity check at chunk 2/);
  });

  it("a chunk dropped or repeated", async () => {
    const dropped = Buffer.concat([sealed.subarray(0, H + RECORD), sealed.subarray(H + 2 * RECORD)]);
    await expectInvalidFile(dropped, /integrity check at chunk 2/);
    const repeated = Buffer.concat([sealed.subarray(0, H + 2 * RECORD), sealed.subarray(H + RECORD)]);
    await expectInvalidFile(repeated, /integrity check at chunk 3/);
  });

  it.each([
    ["one byte", 1],
    ["a tag's worth", TAG],
    ["a whole chunk", RECORD],
  ])("appended data: %s", async (_name, extra) => {
    await expectInvalidFile(
      Buffer.concat([sealed, randomBytes(extra)]),
      /integrity check at chunk 4.*appended/,
    );
  });

  it("another backup's final chunk spliced in", async () => {
    const other = encryptBuffer(plain, key);
    const spliced = Buffer.concat([sealed.subarray(0, H + 3 * RECORD), other.subarray(H + 3 * RECORD)]);
    await expectInvalidFile(spliced, /integrity check at chunk 4/);
  });

  it("a wrong key is told apart from tampering", async () => {
    const other = createMasterKey();
    const err = await expectInvalidFile(sealed, /encrypted with a different key/, other);
    expect(err.message).toContain(keyIdOf(key));
    expect(err.message).toContain(keyIdOf(other));
    expect(err.hint).toMatch(/export-key/);
    await expectInvalidFile(sealed.subarray(0, H), /different key/, other);
  });

  it("an empty file", async () => {
    const err = await expectInvalidFile(Buffer.alloc(0), /is empty: not a Local Brain backup/);
    expect(err.hint).toMatch(/brain backup list/);
  });

  it("a file that is not a backup", async () => {
    await expectInvalidFile(Buffer.from("SQLite format 3\0 and more"), /not a Local Brain backup/);
  });

  it("a failed restore leaves an existing destination untouched", async () => {
    const src = file("bad.lbb", flip(sealed, sealed.length - 1));
    const dest = file("existing.db", Buffer.from("old contents"));
    await expect(decryptFile(src, dest, key)).rejects.toMatchObject({ code: "backup_invalid" });
    expect(fs.readFileSync(dest, "utf8")).toBe("old contents");
    await expect(verifyFile(src, key)).rejects.toMatchObject({ code: "backup_invalid" });
  });
});

describe("bad arguments and files", () => {
  it("refuses a key that is not 32 bytes", () => {
    expect(() => encryptBuffer(Buffer.from("x"), randomBytes(16))).toThrow(/must be 32 bytes; got 16 bytes/);
    expect(() => decryptBuffer(Buffer.alloc(0), Buffer.alloc(0))).toThrow(BrainError);
  });

  it("reports a missing source as not_found and leaves nothing behind", async () => {
    const dest = file("never.db");
    await expect(decryptFile(path.join(dir, "missing.lbb"), dest, key)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(encryptFile(path.join(dir, "missing.db"), dest, key)).rejects.toMatchObject({
      code: "not_found",
    });
    expect(fs.readdirSync(dir).some((name) => name.includes("never.db"))).toBe(false);
  });

  it("reports an unwritable destination as backup_failed", async () => {
    const src = file("p.db", Buffer.from("x"));
    const dest = path.join(dir, "no-such-folder", "out.lbb");
    await expect(encryptFile(src, dest, key)).rejects.toMatchObject({ code: "backup_failed" });
  });
});
