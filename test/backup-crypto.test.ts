/**
 * The encrypted backup format, on files the real backup path makes (`runBackup`, and its archive
 * writer `writeArchive`), read by the real readers: `verifyBackup` and `restoreBackup` (through
 * `openArchive`), and the backup's own read-back `readBackArchive`. Every way a file can be
 * damaged or attacked must be refused by all three with the one message that names it.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openArchive,
  readBackArchive,
  writeArchive,
  type BackupManifest,
} from "../src/core/backup/archive.ts";
import { runBackup } from "../src/core/backup/backup.ts";
import {
  BACKUP_HEADER_BYTES,
  DEFAULT_CHUNK_BYTES,
  createDecryptStream,
  createMasterKey,
  keyIdOf,
  readBackupHeader,
} from "../src/core/backup/crypto.ts";
import { HINTS } from "../src/core/backup/crypto-header.ts";
import { backupFileName, partialPathFor, workDirFor } from "../src/core/backup/files.ts";
import { loadBackupKey } from "../src/core/backup/key.ts";
import { listBackups } from "../src/core/backup/list.ts";
import { restoreBackup, verifyBackup } from "../src/core/backup/restore.ts";
import { resolveConfig, type BrainConfig } from "../src/core/base/config.ts";
import { BrainError } from "../src/core/base/errors.ts";
import { backupConfig, KNOWN_TEXT, modeOf, seedDatabase } from "./support/backup-fixtures.ts";
import { FixedClock } from "./support/fixed-clock.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { tempDir } from "./support/tmp.ts";

const C = DEFAULT_CHUNK_BYTES;
const TAG = 16;
const RECORD = C + TAG;
const H = BACKUP_HEADER_BYTES;
const ALTERED = "it was altered, corrupted, cut short or appended to.";

let config: BrainConfig;
let key: Buffer;
let workDir: string;
/** The backup file runBackup made, its bytes, and the plaintext bytes it seals. */
let goodFile: string;
let good: Buffer;
let plainBytes: number;
let manifest: BackupManifest;
/** A second backup of the same database, a day later (retention keeps one a day). */
let secondFile: string;
let second: Buffer;
/** The database as restored from the good backup: the bytes the backup sealed. */
let dbBytes: Buffer;
/** Full-size chunks before the final one; the final chunk is chunk `full + 1`. */
let full: number;

afterAll(() => fs.rmSync(path.dirname(path.dirname(config.dbPath)), { recursive: true, force: true }));

beforeAll(async () => {
  // Not tempDir(): that is emptied after each test, and these files serve the whole file.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "brain-backup-crypto-"));
  config = resolveConfig(
    {
      dbPath: path.join(home, "data", "brain.db"),
      backupDir: path.join(home, "backups"),
      offsiteDir: null,
      logDir: path.join(home, "logs"),
      ollamaHost: "http://127.0.0.1:9",
    },
    {},
  );
  seedDatabase(config, 1500);
  const secrets = new MemorySecretStore();
  const clock = new FixedClock("2026-03-01T03:30:00Z");
  const report = await runBackup(config, { secrets, clock });
  clock.advance(24 * 3600_000);
  const other = await runBackup(config, { secrets, clock });
  key = (await loadBackupKey(secrets, { create: false })).key;
  workDir = workDirFor(config.dbPath);
  goodFile = report.file;
  good = fs.readFileSync(goodFile);
  secondFile = other.file;
  second = fs.readFileSync(secondFile);
  const restored = path.join(tempDir(), "restored.db");
  manifest = (await restoreBackup(goodFile, restored, { key })).manifest;
  dbBytes = fs.readFileSync(restored);
  plainBytes = 4 + Buffer.byteLength(JSON.stringify(manifest)) + dbBytes.length;
  full = Math.floor((good.length - H) / RECORD);
  // The matrix needs several full chunks, a final chunk with more than a tag in it, and a file
  // smaller than 8 MiB (see "the chunk size raised to 8 MiB").
  expect(full).toBeGreaterThanOrEqual(4);
  expect(good.length - H - full * RECORD).toBeGreaterThan(TAG + 3);
  expect(good.length).toBeLessThan(8 * 1024 * 1024);
  expect(second.length).toBe(good.length);
});

function sealedSize(plain: number): number {
  return H + Math.floor(plain / C) * RECORD + (plain % C) + TAG;
}

function flip(data: Buffer, offset: number, bit: number): Buffer {
  const copy = Buffer.from(data);
  copy[offset] = (copy[offset] ?? 0) ^ (1 << bit);
  return copy;
}

const chunkStart = (i: number) => H + i * RECORD;

/** Record `i` (0-based) of a backup's bytes. */
const record = (bytes: Buffer, i: number) => bytes.subarray(chunkStart(i), chunkStart(i + 1));

/**
 * Writes `bytes` as a backup file and expects verify, restore and the backup's read-back each to
 * refuse it with BrainError `backup_invalid`, the message `<file> <text>` and `hint`, leaving no
 * database and no plaintext anywhere.
 */
async function expectRefused(bytes: Buffer, text: string, hint: string, useKey: Uint8Array = key) {
  const dir = tempDir();
  const file = path.join(dir, "backup.lbb");
  fs.writeFileSync(file, bytes);
  const target = path.join(dir, "restore", "brain.db");
  const failures = [
    await verifyBackup(file, { key: useKey, workDir }).then(
      () => "verified",
      (e: unknown) => e,
    ),
    await restoreBackup(file, target, { key: useKey }).then(
      () => "restored",
      (e: unknown) => e,
    ),
    await readBackArchive(file, useKey, plainBytes).then(
      () => "read back",
      (e: unknown) => e,
    ),
  ];
  for (const err of failures) {
    expect(err).toBeInstanceOf(BrainError);
    expect(err).toMatchObject({ code: "backup_invalid", message: `${file} ${text}`, hint });
  }
  expect(fs.readdirSync(path.dirname(target))).toEqual([]);
  expect(fs.readdirSync(workDir)).toEqual([]);
}

const TRUNCATED = HINTS.truncated;
const TAMPERED = HINTS.tampered;
const atChunk = (n: number) => `failed its integrity check at chunk ${n}: ${ALTERED}`;

describe("round trips through the real backup path", () => {
  it("a backup restores to the very database it sealed, and has the format's exact size", async () => {
    expect(good.length).toBe(sealedSize(plainBytes));
    expect(modeOf(goodFile)).toBe(0o600);
    expect(dbBytes.subarray(0, 16).toString("latin1")).toBe("SQLite format 3\0");
    expect(dbBytes.length).toBe(manifest.db_bytes);
    const back = await readBackArchive(goodFile, key, plainBytes);
    expect(back).toEqual({ bytes: good.length, sha256: createHash("sha256").update(good).digest("hex") });
    const report = await verifyBackup(goodFile, { key, workDir });
    expect(report.counts).toEqual(manifest.counts);
    expect(report.key_id).toBe(keyIdOf(key));
  });

  // The final chunk holds 0..C-1 bytes: payloads of C-1, C (an empty final chunk) and C+1 bytes
  // past whole chunks, made by padding the manifest around the real database.
  it.each([
    ["one byte short of a chunk boundary", C - 1],
    ["exactly on a chunk boundary (an empty final chunk)", 0],
    ["one byte past a chunk boundary", 1],
  ])("an archive whose payload ends %s", async (_name, rest) => {
    const made = await archiveEndingAt(rest);
    expect(made.plain % C).toBe(rest);
    expect(fs.statSync(made.file).size).toBe(sealedSize(made.plain));
    expect(modeOf(made.file)).toBe(0o600);
    expect((await readBackArchive(made.file, key, made.plain)).bytes).toBe(sealedSize(made.plain));
    const out = path.join(tempDir(), "out.db");
    expect(await openArchive(made.file, out, key)).toEqual(made.manifest);
    expect(fs.readFileSync(out).equals(dbBytes)).toBe(true);
    expect((await verifyBackup(made.file, { key, workDir })).counts).toEqual(manifest.counts);
  });

  it("the decrypt stream gives the same payload when the file arrives in odd pieces, down to single bytes", async () => {
    const pieces: Buffer[] = [];
    for (let i = 0, step = 1; i < good.length; i += step, step = (step * 7 + 3) % 5003 || 1) {
      pieces.push(good.subarray(i, i + step));
    }
    expect(pieces.some((p) => p.length === 1)).toBe(true);
    const payload = await collect(Readable.from(pieces).pipe(createDecryptStream(key, goodFile)));
    const json = Buffer.from(JSON.stringify(manifest));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    expect(payload.equals(Buffer.concat([length, json, dbBytes]))).toBe(true);
    const whole = await collect(Readable.from([good]).pipe(createDecryptStream(key, goodFile)));
    expect(whole.equals(payload)).toBe(true);
  });

  it("seals the same payload differently each time and never shows the plaintext", async () => {
    const a = await archiveEndingAt(100);
    const b = await archiveEndingAt(100);
    const [bytesA, bytesB] = [fs.readFileSync(a.file), fs.readFileSync(b.file)];
    expect(bytesA.length).toBe(bytesB.length);
    expect(bytesA.subarray(24, H).equals(bytesB.subarray(24, H))).toBe(false); // fresh salt
    expect(bytesA.subarray(H).equals(bytesB.subarray(H))).toBe(false);
    for (const sealed of [good, second, bytesA]) {
      expect(sealed.includes(Buffer.from(KNOWN_TEXT))).toBe(false);
      expect(sealed.includes(Buffer.from("SQLite format 3"))).toBe(false);
      expect(sealed.includes(Buffer.from(manifest.source_path))).toBe(false);
      expect(sealed.includes(Buffer.from("local-brain-backup"))).toBe(false);
    }
  });

  it("reads the header without a key, as `brain backup list` does", async () => {
    expect(await readBackupHeader(goodFile)).toEqual({ version: 1, chunkBytes: C, keyId: keyIdOf(key) });
    expect(keyIdOf(key)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(createMasterKey())).not.toBe(keyIdOf(key));
    const listed = await listBackups(config);
    expect(listed.map((b) => [b.path, b.key_id])).toEqual([
      [secondFile, keyIdOf(key)],
      [goodFile, keyIdOf(key)],
    ]);
  });
});

describe("the tamper matrix on a real backup: verify, restore and the read-back refuse each with its message", () => {
  const truncated = (where: string) => `is truncated: it ends ${where}.`;
  it.each([
    ["inside the magic", () => 5, () => truncated("inside its header"), TRUNCATED],
    ["inside the header", () => 30, () => truncated("inside its header"), TRUNCATED],
    ["right after the header", () => H, () => truncated("after chunk 0, before its final chunk"), TRUNCATED],
    [
      "inside a tag-sized tail",
      () => H + 10,
      () => truncated("inside chunk 1, before its final chunk"),
      TRUNCATED,
    ],
    ["inside chunk 2", () => H + RECORD + 5000, () => atChunk(2), TAMPERED],
    [
      "exactly at the first chunk boundary",
      () => chunkStart(1),
      () => truncated("after chunk 1, before its final chunk"),
      TRUNCATED,
    ],
    [
      "exactly at the last full-chunk boundary",
      () => chunkStart(full),
      () => truncated(`after chunk ${full}, before its final chunk`),
      TRUNCATED,
    ],
    ["one byte short", () => good.length - 1, () => atChunk(full + 1), TAMPERED],
  ])("truncated %s", async (_name, at, text, hint) => {
    await expectRefused(good.subarray(0, at()), text(), hint);
  });

  it("an archive whose payload fills whole chunks: cut at its last boundary, or one byte appended", async () => {
    const { file, plain } = await archiveEndingAt(0);
    const whole = fs.readFileSync(file);
    const chunks = plain / C;
    expect(whole.length).toBe(H + chunks * RECORD + TAG); // an empty final chunk marks the end
    await expectRefused(
      whole.subarray(0, chunkStart(chunks)),
      `is truncated: it ends after chunk ${chunks}, before its final chunk.`,
      TRUNCATED,
    );
    await expectRefused(Buffer.concat([whole, Buffer.from([0])]), atChunk(chunks + 1), TAMPERED);
  });

  it.each([
    ["magic", 0, 0, "is not a Local Brain backup.", HINTS.notBackup],
    ["version", 8, 0, "uses backup format version 0, which this build cannot read.", HINTS.version],
    ["reserved byte", 10, 0, "has a damaged header.", TAMPERED],
    ["chunk size (to zero)", 13, 0, "has a damaged header.", TAMPERED],
    ["chunk size (to 8 MiB)", 13, 7, atChunk(1), TAMPERED],
    ["key id", 20, 3, `failed its integrity check at its header: ${ALTERED}`, TAMPERED],
    ["salt", 40, 5, atChunk(1), TAMPERED],
  ])("a flipped bit in the header's %s", async (_name, offset, bit, text, hint) => {
    await expectRefused(flip(good, offset, bit), text, hint);
  });

  it.each([
    ["the body of chunk 1", () => H + 10, () => 1],
    ["the body of chunk 3", () => chunkStart(2) + 999, () => 3],
    ["the tag of chunk 2", () => chunkStart(2) - 1, () => 2],
    ["the body of the final chunk", () => chunkStart(full) + 3, () => full + 1],
    ["the tag of the final chunk", () => good.length - 1, () => full + 1],
  ])("a flipped bit in %s", async (_name, offset, chunk) => {
    await expectRefused(flip(good, offset(), 7), atChunk(chunk()), TAMPERED);
  });

  it("two chunks swapped", async () => {
    const swapped = Buffer.concat([
      good.subarray(0, chunkStart(1)),
      record(good, 2),
      record(good, 1),
      good.subarray(chunkStart(3)),
    ]);
    expect(swapped.length).toBe(good.length);
    await expectRefused(swapped, atChunk(2), TAMPERED);
  });

  it("a chunk dropped", async () => {
    const dropped = Buffer.concat([good.subarray(0, chunkStart(1)), good.subarray(chunkStart(2))]);
    await expectRefused(dropped, atChunk(2), TAMPERED);
  });

  it("a chunk repeated", async () => {
    const repeated = Buffer.concat([good.subarray(0, chunkStart(2)), good.subarray(chunkStart(1))]);
    await expectRefused(repeated, atChunk(3), TAMPERED);
  });

  it.each([
    ["one byte", 1],
    ["a tag's worth", TAG],
    ["a whole chunk", RECORD],
  ])("appended data: %s", async (_name, extra) => {
    await expectRefused(Buffer.concat([good, randomBytes(extra)]), atChunk(full + 1), TAMPERED);
  });

  it("another backup's final chunk spliced in", async () => {
    const spliced = Buffer.concat([good.subarray(0, chunkStart(full)), second.subarray(chunkStart(full))]);
    expect(spliced.length).toBe(good.length);
    await expectRefused(spliced, atChunk(full + 1), TAMPERED);
  });

  it("a wrong key is told apart from tampering, also when the file ends after its header", async () => {
    const other = createMasterKey();
    const text = `was encrypted with a different key (key id ${keyIdOf(key)}; this key's id is ${keyIdOf(other)}).`;
    await expectRefused(good, text, HINTS.wrongKey, other);
    await expectRefused(good.subarray(0, H), text, HINTS.wrongKey, other);
  });

  it("an empty file", async () => {
    await expectRefused(Buffer.alloc(0), "is empty: not a Local Brain backup.", HINTS.notBackup);
  });

  it("a file that is not a backup: the live SQLite database itself", async () => {
    await expectRefused(fs.readFileSync(config.dbPath), "is not a Local Brain backup.", HINTS.notBackup);
  });

  it("a failed restore with --force leaves the existing database untouched", async () => {
    const dir = tempDir();
    const file = path.join(dir, "bad.lbb");
    fs.writeFileSync(file, flip(good, good.length - 1, 0));
    const existing = path.join(dir, "brain.db");
    fs.writeFileSync(existing, "old contents");
    await expect(restoreBackup(file, existing, { key, force: true })).rejects.toMatchObject({
      code: "backup_invalid",
      message: `${file} ${atChunk(full + 1)}`,
    });
    expect(fs.readFileSync(existing, "utf8")).toBe("old contents");
    expect(fs.readdirSync(dir).sort()).toEqual(["bad.lbb", "brain.db"]);
  });
});

describe("bad keys, missing files, a vanished backup folder", () => {
  it.each([
    ["16 bytes", 16],
    ["0 bytes", 0],
  ])("refuses a key of %s before reading anything", async (name, bytes) => {
    const bad = randomBytes(bytes);
    const dir = tempDir();
    const message = `The backup key must be 32 bytes; got ${name}.`;
    await expect(verifyBackup(goodFile, { key: bad, workDir })).rejects.toMatchObject({
      code: "bad_input",
      message,
    });
    await expect(restoreBackup(goodFile, path.join(dir, "brain.db"), { key: bad })).rejects.toMatchObject({
      code: "bad_input",
      message,
    });
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(fs.readdirSync(workDir)).toEqual([]);
  });

  it("reports a missing backup as not_found and leaves nothing behind", async () => {
    const dir = tempDir();
    const missing = path.join(dir, "missing.lbb");
    const notFound = { code: "not_found", message: `${missing} does not exist.` };
    await expect(verifyBackup(missing, { key, workDir })).rejects.toMatchObject(notFound);
    await expect(restoreBackup(missing, path.join(dir, "brain.db"), { key })).rejects.toMatchObject(notFound);
    await expect(readBackupHeader(missing)).rejects.toMatchObject(notFound);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(fs.readdirSync(workDir)).toEqual([]);
  });

  it("reports a missing database as not_found and writes no backup", async () => {
    const cfg = backupConfig();
    await expect(runBackup(cfg, { secrets: new MemorySecretStore() })).rejects.toMatchObject({
      code: "not_found",
      message: `There is no brain database at ${cfg.dbPath}, so there is nothing to back up.`,
    });
    expect(fs.readdirSync(cfg.backupDir)).toEqual([]);
  });

  it("reports a backup folder that cannot be written as backup_failed, leaving no plaintext", async () => {
    const cfg = backupConfig();
    seedDatabase(cfg, 5);
    const time = new Date("2026-03-02T03:30:00Z");
    const partial = partialPathFor(path.join(cfg.backupDir, backupFileName(time)));
    const run = runBackup(cfg, {
      secrets: new MemorySecretStore(),
      clock: new FixedClock(time.getTime()),
      // The folder vanishes between the snapshot and the sealing (an unplugged disk).
      onEvent: (event) => {
        if (event.event === "snapshot") fs.rmSync(cfg.backupDir, { recursive: true });
      },
    });
    await expect(run).rejects.toMatchObject({
      code: "backup_failed",
      message: `The backup failed: ENOENT: no such file or directory, open '${partial}'`,
    });
    expect(fs.existsSync(cfg.backupDir)).toBe(false);
    expect(fs.readdirSync(workDirFor(cfg.dbPath))).toEqual([]);
  });
});

/**
 * A new archive of the restored database, by the real archive writer, whose payload is `rest`
 * bytes past a whole number of chunks: the manifest's source path is padded to get there.
 */
async function archiveEndingAt(
  rest: number,
): Promise<{ file: string; plain: number; manifest: BackupManifest }> {
  const bare = 4 + Buffer.byteLength(JSON.stringify({ ...manifest, source_path: "" })) + dbBytes.length;
  const pad = (((rest - bare) % C) + C) % C;
  const padded: BackupManifest = { ...manifest, source_path: "x".repeat(pad) };
  const dir = tempDir();
  const db = path.join(dir, "snapshot.db");
  fs.writeFileSync(db, dbBytes);
  const file = path.join(dir, "archive.lbb");
  const plain = await writeArchive(db, padded, file, key);
  return { file, plain, manifest: padded };
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(chunk as Buffer);
  return Buffer.concat(out);
}
