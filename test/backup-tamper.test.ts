import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runBackup } from "../src/core/backup/backup.ts";
import { workDirFor } from "../src/core/backup/files.ts";
import { loadBackupKey } from "../src/core/backup/key.ts";
import { restoreBackup, verifyBackup } from "../src/core/backup/restore.ts";
import { BACKUP_HEADER_BYTES, createMasterKey, DEFAULT_CHUNK_BYTES } from "../src/core/backup/crypto.ts";
import { isBrainError } from "../src/core/base/errors.ts";
import { backupConfig, seedDatabase } from "./support/backup-fixtures.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { tempDir } from "./support/tmp.ts";

const RECORD = DEFAULT_CHUNK_BYTES + 16;
const chunkStart = (i: number) => BACKUP_HEADER_BYTES + i * RECORD;

function flip(bytes: Buffer, at: number): Buffer {
  const out = Buffer.from(bytes);
  out[at]! ^= 0x01;
  return out;
}

/** Each way a backup file can be damaged or attacked, as a function of the good file's bytes. */
const TAMPERINGS: Record<string, (good: Buffer) => Buffer> = {
  "truncated to half": (good) => good.subarray(0, Math.floor(good.length / 2)),
  "truncated at a chunk boundary": (good) => good.subarray(0, chunkStart(2)),
  "truncated inside the header": (good) => good.subarray(0, 30),
  "last byte cut": (good) => good.subarray(0, good.length - 1),
  "bit flipped in the magic": (good) => flip(good, 0),
  "bit flipped in the key id": (good) => flip(good, 20),
  "bit flipped in the salt": (good) => flip(good, 40),
  "bit flipped in a chunk": (good) => flip(good, chunkStart(1) + 1000),
  "bit flipped in a tag": (good) => flip(good, chunkStart(1) + RECORD - 3),
  "bit flipped in the final chunk": (good) => flip(good, good.length - 20),
  "two chunks swapped": (good) =>
    Buffer.concat([
      good.subarray(0, chunkStart(1)),
      good.subarray(chunkStart(2), chunkStart(3)),
      good.subarray(chunkStart(1), chunkStart(2)),
      good.subarray(chunkStart(3)),
    ]),
  "data appended": (good) => Buffer.concat([good, Buffer.from("appended")]),
  "a whole chunk appended": (good) => Buffer.concat([good, good.subarray(chunkStart(1), chunkStart(2))]),
  "empty file": () => Buffer.alloc(0),
};

describe("the tamper matrix: verify and restore refuse every damaged backup, restoring nothing", () => {
  let good: Buffer;
  let key: Buffer;
  let workDir: string;

  beforeAll(async () => {
    const config = backupConfig();
    seedDatabase(config, 1500);
    const secrets = new MemorySecretStore();
    const report = await runBackup(config, { secrets });
    key = (await loadBackupKey(secrets, { create: false })).key;
    good = fs.readFileSync(report.file);
    workDir = workDirFor(config.dbPath);
    // The matrix needs at least four chunks to swap two in the middle.
    expect(good.length).toBeGreaterThan(chunkStart(4));
  });

  it("the untouched file verifies and restores (the matrix's control)", async () => {
    const dir = tempDir();
    const file = path.join(dir, "good.lbb");
    fs.writeFileSync(file, good);
    await verifyBackup(file, { key, workDir });
    await restoreBackup(file, path.join(dir, "restored.db"), { key });
    expect(fs.existsSync(path.join(dir, "restored.db"))).toBe(true);
  });

  const cases: [string, (good: Buffer) => Buffer, "own" | "other"][] = [
    ...Object.entries(TAMPERINGS).map(([name, fn]) => [name, fn, "own"] as [string, typeof fn, "own"]),
    ["wrong key", (g: Buffer) => g, "other"],
  ];

  it.each(cases)("%s", async (_name, tamper, whichKey) => {
    const dir = tempDir();
    const file = path.join(dir, "backup.lbb");
    fs.writeFileSync(file, tamper(good));
    const useKey = whichKey === "own" ? key : createMasterKey();

    const verifyErr = await verifyBackup(file, { key: useKey, workDir }).catch((e: unknown) => e);
    expect(isBrainError(verifyErr, "backup_invalid"), String(verifyErr)).toBe(true);
    if (whichKey === "other") expect(String((verifyErr as Error).message)).toMatch(/different key/);

    const target = path.join(dir, "restore", "brain.db");
    const restoreErr = await restoreBackup(file, target, { key: useKey }).catch((e: unknown) => e);
    expect(isBrainError(restoreErr, "backup_invalid"), String(restoreErr)).toBe(true);
    // Nothing restored: no database, no partial plaintext beside where it would have gone.
    expect(fs.readdirSync(path.dirname(target))).toEqual([]);
    expect(fs.readdirSync(workDir)).toEqual([]);
  });
});
