import path from "node:path";
import { describe, expect, it } from "vitest";
import { runBackup } from "../src/core/backup/backup.ts";
import { workDirFor } from "../src/core/backup/files.ts";
import {
  BACKUP_KEY_ACCOUNT,
  BACKUP_KEY_SERVICE,
  importBackupKey,
  loadBackupKey,
} from "../src/core/backup/key.ts";
import { restoreBackup, verifyBackup } from "../src/core/backup/restore.ts";
import { createMasterKey, keyIdOf } from "../src/core/backup/crypto.ts";
import { BrainError, isBrainError } from "../src/core/base/errors.ts";
import { backupConfig, seedDatabase } from "./support/backup-fixtures.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { tempDir } from "./support/tmp.ts";

const SLOT = MemorySecretStore.key(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT);

describe("importBackupKey", () => {
  it("brings an exported key to a fresh secret store, which then opens the backups made with it", async () => {
    const config = backupConfig();
    seedDatabase(config, 50);
    const original = new MemorySecretStore();
    const report = await runBackup(config, { secrets: original });
    // What `brain backup export-key` prints: the key as base64 on one line.
    const exported = `${(await loadBackupKey(original, { create: false })).key.toString("base64")}\n`;

    const fresh = new MemorySecretStore();
    const imported = await importBackupKey(fresh, exported, { force: false });
    expect(imported).toEqual({ keyId: report.key_id, outcome: "stored" });

    const { key } = await loadBackupKey(fresh, { create: false });
    const verified = await verifyBackup(report.file, { key, workDir: workDirFor(config.dbPath) });
    expect(verified.counts).toEqual(report.counts);
    const restored = await restoreBackup(report.file, path.join(tempDir(), "brain.db"), { key });
    expect(restored.counts.entries).toBe(51);
  });

  it("accepts the same key again without a change", async () => {
    const key = createMasterKey().toString("base64");
    const secrets = new MemorySecretStore({ [SLOT]: key });
    expect(await importBackupKey(secrets, `  ${key}\r\n`, { force: false })).toEqual({
      keyId: keyIdOf(Buffer.from(key, "base64")),
      outcome: "unchanged",
    });
  });

  it("keeps a different key that is there unless forced, and says what replacing it means", async () => {
    const old = createMasterKey();
    const secrets = new MemorySecretStore({ [SLOT]: old.toString("base64") });
    const other = createMasterKey();
    const err = await importBackupKey(secrets, other.toString("base64"), { force: false }).catch(
      (e: unknown) => e,
    );
    expect(isBrainError(err, "backup_exists")).toBe(true);
    const { message, hint } = err as { message: string; hint: string };
    expect(message).toContain(`a different backup key (key id ${keyIdOf(old)})`);
    expect(message).toContain("nothing was changed");
    expect(hint).toMatch(/open only with that key.*export-key.*import-key --force/);
    expect(await secrets.get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT)).toBe(old.toString("base64"));

    const forced = await importBackupKey(secrets, other.toString("base64"), { force: true });
    expect(forced).toEqual({ keyId: keyIdOf(other), outcome: "replaced", replacedKeyId: keyIdOf(old) });
    expect((await loadBackupKey(secrets, { create: false })).key.equals(other)).toBe(true);
  });

  it("replaces an item that holds no backup key only when forced", async () => {
    const secrets = new MemorySecretStore({ [SLOT]: "something else entirely" });
    const key = createMasterKey().toString("base64");
    const err = await importBackupKey(secrets, key, { force: false }).catch((e: unknown) => e);
    expect(isBrainError(err, "backup_exists")).toBe(true);
    expect((err as Error).message).toContain("an item that is not a backup key");
    expect((err as Error).message).not.toContain("something else");
    expect(await importBackupKey(secrets, key, { force: true })).toMatchObject({ outcome: "replaced" });
  });

  const good = createMasterKey();
  it.each([
    ["empty input", ""],
    ["only whitespace", " \n"],
    ["16 bytes", createMasterKey().subarray(0, 16).toString("base64")],
    ["33 bytes", Buffer.concat([good, Buffer.from([1])]).toString("base64")],
    ["the key as hex", good.toString("hex")],
    ["base64url", good.toString("base64url")],
    ["two keys", `${good.toString("base64")}\n${createMasterKey().toString("base64")}`],
    ["a word inside", `${good.toString("base64").slice(0, 20)} x ${good.toString("base64").slice(20)}`],
  ])("refuses %s with a clear message that does not quote it, storing nothing", async (_name, text) => {
    const secrets = new MemorySecretStore();
    const err = await importBackupKey(secrets, text, { force: true }).catch((e: unknown) => e);
    expect(isBrainError(err, "bad_input"), String(err)).toBe(true);
    expect((err as Error).message).toMatch(/not a Local Brain backup key.*base64.*export-key/);
    if (text.trim()) expect((err as Error).message).not.toContain(text.trim().slice(0, 12));
    expect(secrets.size).toBe(0);
  });

  it("passes on the error of a secret store that cannot be reached", async () => {
    const secrets = new MemorySecretStore();
    secrets.failure = new BrainError("secret_store_unavailable", "The keyring is locked.");
    const err = await importBackupKey(secrets, good.toString("base64"), { force: false }).catch(
      (e: unknown) => e,
    );
    expect(isBrainError(err, "secret_store_unavailable")).toBe(true);
  });
});
