import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { runBackup } from "../src/core/backup/backup.ts";
import { checkInProcess, checkOnWorker, type CheckSnapshot } from "../src/core/backup/check.ts";
import { listBackups } from "../src/core/backup/list.ts";
import { workDirFor } from "../src/core/backup/files.ts";
import { removeLargeFile } from "../src/core/backup/large-files.ts";
import { cloneCopy } from "../src/core/backup/offsite.ts";
import { BACKUP_KEY_ACCOUNT, BACKUP_KEY_SERVICE, loadBackupKey } from "../src/core/backup/key.ts";
import { restoreBackup, verifyBackup } from "../src/core/backup/restore.ts";
import {
  checkKeywordIndex,
  checkStandaloneFile,
  makeStandalone,
  takeSnapshot,
} from "../src/core/backup/snapshot.ts";
import { createBrain } from "../src/core/brain.ts";
import { keyIdOf } from "../src/core/backup/crypto.ts";
import { BrainError, isBrainError } from "../src/core/base/errors.ts";
import { backupConfig, filesUnder, KNOWN_TEXT, modeOf, seedDatabase } from "./support/backup-fixtures.ts";
import { FixedClock } from "./support/fixed-clock.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { tempDir } from "./support/tmp.ts";

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

describe("runBackup", () => {
  it("makes the key on first use, then an encrypted, private, verifiable backup and its offsite copy", async () => {
    const config = backupConfig({ offsite: true });
    seedDatabase(config, 300);
    const secrets = new MemorySecretStore();
    const clock = new FixedClock("2026-03-01T03:30:00Z");
    const events: string[] = [];
    const report = await runBackup(config, { secrets, clock, onEvent: (e) => events.push(e.event) });

    expect(report.key_created).toBe(true);
    const stored = await secrets.get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT);
    const key = Buffer.from(stored!, "base64");
    expect(key).toHaveLength(32);
    expect(report.key_id).toBe(keyIdOf(key));
    expect(path.basename(report.file)).toBe("brain-2026-03-01T03-30-00-000Z.lbb");
    expect(report.counts.entries).toBe(301);
    expect(report.counts.entry_history).toBe(20);
    expect(report.offsite).toEqual({
      status: "copied",
      file: path.join(config.offsiteDir!, path.basename(report.file)),
    });
    expect(events).toEqual([
      "start",
      "key_created",
      "snapshot",
      "checked",
      "sealed",
      "offsite",
      "pruned",
      "pruned",
      "done",
    ]);

    // Ciphertext only: no SQLite header and no note text anywhere in the backup folders.
    for (const file of [report.file, ...filesUnder(config.offsiteDir!)]) {
      const bytes = fs.readFileSync(file);
      expect(bytes.subarray(0, 8).toString("latin1")).toBe("LBBACKUP");
      expect(bytes.includes(SQLITE_MAGIC)).toBe(false);
      expect(bytes.includes(Buffer.from("boathouse"))).toBe(false);
      expect(modeOf(file)).toBe(0o600);
    }
    expect(
      fs
        .readFileSync(report.file)
        .equals(fs.readFileSync(path.join(config.offsiteDir!, path.basename(report.file)))),
    ).toBe(true);
    for (const dir of [config.backupDir, config.offsiteDir!, workDirFor(config.dbPath)])
      expect(modeOf(dir)).toBe(0o700);
    // No plaintext left in the work folder, nothing but the backup in the backup folder.
    expect(fs.readdirSync(workDirFor(config.dbPath))).toEqual([]);
    expect(fs.readdirSync(config.backupDir)).toEqual([path.basename(report.file)]);

    const verified = await verifyBackup(report.file, { key, workDir: workDirFor(config.dbPath) });
    expect(verified.manifest).toMatchObject({
      format: "local-brain-backup",
      created_at: "2026-03-01T03:30:00.000Z",
      source_path: config.dbPath,
      schema_version: report.schema_version,
      counts: report.counts,
    });
    expect(verified.keyword_index).toBe("matches");

    const second = await runBackup(config, { secrets, clock: new FixedClock("2026-03-02T03:30:00Z") });
    expect(second.key_created).toBe(false);
    expect(second.key_id).toBe(report.key_id);
    expect((await listBackups(config)).map((b) => [b.name, b.key_id, b.offsite])).toEqual([
      ["brain-2026-03-02T03-30-00-000Z.lbb", report.key_id, true],
      ["brain-2026-03-01T03-30-00-000Z.lbb", report.key_id, true],
    ]);
  });

  it("refuses without a secret store, leaving no backup and no key anywhere", async () => {
    const config = backupConfig({ offsite: true });
    seedDatabase(config, 10);
    const secrets = new MemorySecretStore();
    secrets.failure = new BrainError("secret_store_unavailable", "The keyring is locked.", {
      hint: "Unlock it.",
    });
    await expect(runBackup(config, { secrets })).rejects.toSatisfy((err) =>
      isBrainError(err, "secret_store_unavailable"),
    );
    expect(filesUnder(config.backupDir)).toEqual([]);
    expect(filesUnder(config.offsiteDir!)).toEqual([]);
    expect(filesUnder(workDirFor(config.dbPath))).toEqual([]);
  });

  it("refuses a missing database instead of backing up an empty one", async () => {
    const config = backupConfig();
    await expect(runBackup(config, { secrets: new MemorySecretStore() })).rejects.toSatisfy((err) =>
      isBrainError(err, "not_found"),
    );
    expect(fs.existsSync(config.dbPath)).toBe(false);
    expect(filesUnder(config.backupDir)).toEqual([]);
  });

  it("refuses a stored key that is not 32 bytes of base64, without quoting it", async () => {
    const config = backupConfig();
    seedDatabase(config, 5);
    const secrets = new MemorySecretStore({ "local-brain/backup-key": "hunter2-not-a-key" });
    const err = await runBackup(config, { secrets }).catch((e: unknown) => e);
    expect(isBrainError(err, "secret_missing")).toBe(true);
    expect(String((err as Error).message)).not.toContain("hunter2");
    expect(filesUnder(config.backupDir)).toEqual([]);
  });

  it("loadBackupKey without create refuses when there is no key", async () => {
    await expect(loadBackupKey(new MemorySecretStore(), { create: false })).rejects.toSatisfy((err) =>
      isBrainError(err, "secret_missing"),
    );
  });
});

describe("after a killed run", () => {
  it("takes over the dead run's lock and removes its plaintext and partial files, sparing another machine's", async () => {
    const config = backupConfig({ offsite: true });
    seedDatabase(config, 10);
    const secrets = new MemorySecretStore();
    const { keyId } = await loadBackupKey(secrets, { create: true });
    const work = workDirFor(config.dbPath);
    fs.mkdirSync(work, { recursive: true });
    fs.mkdirSync(config.backupDir, { recursive: true });
    fs.mkdirSync(config.offsiteDir!, { recursive: true });
    fs.writeFileSync(path.join(work, "backup.lock"), "999999999"); // a pid that does not exist
    fs.writeFileSync(path.join(work, "snapshot-dead.db"), "plaintext of a killed run");
    fs.writeFileSync(path.join(config.backupDir, ".brain-2026-01-01T00-00-00-000Z.lbb.partial"), "x");
    const own = `.brain-2026-01-01T00-00-00-000Z.lbb.${keyId}.partial`;
    const foreign = ".brain-2026-01-01T00-00-00-000Z.lbb.0123456789abcdef.partial";
    fs.writeFileSync(path.join(config.offsiteDir!, own), "x");
    fs.writeFileSync(path.join(config.offsiteDir!, foreign), "another Mac copying right now");

    const cleaned: string[] = [];
    const report = await runBackup(config, {
      secrets,
      onEvent: (e) => e.event === "cleaned" && cleaned.push(...e.files),
    });
    expect(cleaned.sort()).toEqual(
      [".brain-2026-01-01T00-00-00-000Z.lbb.partial", own, "snapshot-dead.db"].sort(),
    );
    expect(fs.readdirSync(work)).toEqual([]);
    expect(fs.readdirSync(config.backupDir)).toEqual([path.basename(report.file)]);
    expect(fs.readdirSync(config.offsiteDir!).sort()).toEqual([foreign, path.basename(report.file)].sort());
  });

  it("refuses to run while another live backup holds the lock", async () => {
    const config = backupConfig();
    seedDatabase(config, 10);
    const work = workDirFor(config.dbPath);
    fs.mkdirSync(work, { recursive: true });
    fs.writeFileSync(path.join(work, "backup.lock"), String(process.ppid)); // alive: the test runner
    await expect(runBackup(config, { secrets: new MemorySecretStore() })).rejects.toSatisfy((err) =>
      isBrainError(err, "backup_failed"),
    );
    expect(fs.readFileSync(path.join(work, "backup.lock"), "utf8")).toBe(String(process.ppid));
  });
});

describe("the offsite copy", () => {
  async function offsiteFailure(
    config: ReturnType<typeof backupConfig>,
    copyFile?: Parameters<typeof runBackup>[1]["copyFile"],
  ) {
    seedDatabase(config, 50);
    const report = await runBackup(config, { secrets: new MemorySecretStore(), copyFile });
    // The local backup is kept and verifies; the offsite folder holds no partial file.
    expect(fs.existsSync(report.file)).toBe(true);
    expect(report.pruned.offsite).toBeUndefined();
    return report;
  }

  it("reports a missing iCloud Drive folder clearly, and keeps the local backup", async () => {
    const config = { ...backupConfig(), offsiteDir: path.join(tempDir(), "no-icloud", "Local Brain") };
    const report = await offsiteFailure(config);
    if (report.offsite.status !== "failed") throw new Error("expected a failure");
    expect(report.offsite.error.code).toBe("offsite_failed");
    expect(report.offsite.error.message).toMatch(/is missing and cannot be created.*local backup was kept/);
    expect(report.offsite.error.hint).toMatch(/iCloud Drive/);
    expect(fs.existsSync(config.offsiteDir)).toBe(false);
  });

  it("reports a folder that cannot be written to", async () => {
    const blocker = path.join(tempDir(), "a-file");
    fs.writeFileSync(blocker, "not a folder");
    const config = { ...backupConfig(), offsiteDir: path.join(blocker, "Local Brain") };
    const report = await offsiteFailure(config);
    if (report.offsite.status !== "failed") throw new Error("expected a failure");
    expect(report.offsite.error.code).toBe("offsite_failed");
    expect(report.offsite.error.message).toMatch(
      /^The offsite folder .* cannot be created.*local backup was kept/,
    );
    expect(report.offsite.error.hint).toMatch(/BRAIN_OFFSITE_DIR/);
  });

  it("reports a full disk, removing the partial copy", async () => {
    const config = backupConfig({ offsite: true });
    const diskFull = async (src: string, dest: string) => {
      fs.writeFileSync(dest, fs.readFileSync(src).subarray(0, 1000), { mode: 0o600 });
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    };
    const report = await offsiteFailure(config, diskFull);
    if (report.offsite.status !== "failed") throw new Error("expected a failure");
    expect(report.offsite.error.message).toMatch(/is full/);
    expect(report.offsite.error.hint).toMatch(/Free space/);
    expect(filesUnder(config.offsiteDir!)).toEqual([]);
  });

  it("copies by clone where the file system can (macOS's default), else by an ordinary copy", async () => {
    const config = backupConfig({ offsite: true });
    seedDatabase(config, 50);
    const report = await runBackup(config, { secrets: new MemorySecretStore(), copyFile: cloneCopy });
    if (report.offsite.status !== "copied") throw new Error("expected a copy");
    expect(fs.readFileSync(report.offsite.file).equals(fs.readFileSync(report.file))).toBe(true);
    expect(modeOf(report.offsite.file)).toBe(0o600);
  });

  it("refuses a copy that does not read back the same", async () => {
    const config = backupConfig({ offsite: true });
    const garbling = async (src: string, dest: string) => {
      const bytes = fs.readFileSync(src);
      bytes[bytes.length - 1]! ^= 1;
      fs.writeFileSync(dest, bytes, { mode: 0o600 });
    };
    const report = await offsiteFailure(config, garbling);
    expect(report.offsite.status).toBe("failed");
    expect(filesUnder(config.offsiteDir!)).toEqual([]);
  });
});

describe("restore", () => {
  it("the drill: back up, restore to a new folder, same counts, the known entry found by keyword", async () => {
    const config = backupConfig();
    seedDatabase(config, 500);
    const secrets = new MemorySecretStore();
    const report = await runBackup(config, { secrets });
    const { key } = await loadBackupKey(secrets, { create: false });
    const to = path.join(tempDir(), "restored", "brain.db");
    const restored = await restoreBackup(report.file, to, { key });
    expect(restored.counts).toEqual(report.counts);
    expect(restored.keyword_index).toBe("matches");
    expect(modeOf(to)).toBe(0o600);
    expect(fs.readdirSync(path.dirname(to))).toEqual(["brain.db"]);

    const brain = createBrain({ ...config, dbPath: to });
    try {
      expect(brain.status().entries).toBe(501);
      const { results } = await brain.search("boathouse flowerpot", { mode: "keyword" });
      expect(results[0]?.text).toBe(KNOWN_TEXT);
    } finally {
      brain.close();
    }
  });

  it("refuses an existing database unless forced, and then replaces it and its stale WAL", async () => {
    const config = backupConfig();
    seedDatabase(config, 30);
    const secrets = new MemorySecretStore();
    const report = await runBackup(config, { secrets });
    const { key } = await loadBackupKey(secrets, { create: false });
    const other = backupConfig();
    seedDatabase(other, 3);
    fs.writeFileSync(`${other.dbPath}-wal`, "stale wal of the old database");
    const before = fs.readFileSync(other.dbPath);

    await expect(restoreBackup(report.file, other.dbPath, { key })).rejects.toSatisfy((err) =>
      isBrainError(err, "backup_exists"),
    );
    expect(fs.readFileSync(other.dbPath).equals(before)).toBe(true);

    const forced = await restoreBackup(report.file, other.dbPath, { key, force: true });
    expect(forced.replaced).toBe(true);
    expect(fs.existsSync(`${other.dbPath}-wal`)).toBe(false);
    const brain = createBrain(other);
    try {
      expect(brain.status().entries).toBe(31);
    } finally {
      brain.close();
    }
  });

  it("cleans a restore left behind by a killed process", async () => {
    const config = backupConfig();
    seedDatabase(config, 10);
    const secrets = new MemorySecretStore();
    const report = await runBackup(config, { secrets });
    const { key } = await loadBackupKey(secrets, { create: false });
    const dir = tempDir();
    const stale = path.join(dir, ".brain.db.restore-999999999.partial");
    fs.writeFileSync(stale, "plaintext of a killed restore");
    await restoreBackup(report.file, path.join(dir, "brain.db"), { key });
    expect(fs.readdirSync(dir)).toEqual(["brain.db"]);
  });
});

describe("the snapshot's checks", () => {
  it("on a worker and in process find the same counts, and leave the snapshot byte for byte as it was", async () => {
    const config = backupConfig();
    seedDatabase(config, 100);
    const dir = tempDir();
    const file = path.join(dir, "snap.db");
    const snap = await takeSnapshot(config.dbPath, file);
    makeStandalone(file);
    const before = fs.readFileSync(file);
    expect(await checkOnWorker(file, snap.counts)).toEqual(snap.counts);
    expect(await checkInProcess(file, snap.counts)).toEqual(snap.counts);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(["snap.db"]);

    // Raycast's way: the whole backup with the checks in process.
    const secrets = new MemorySecretStore();
    const report = await runBackup(config, { secrets, check: checkInProcess });
    const { key } = await loadBackupKey(secrets, { create: false });
    const verified = await verifyBackup(report.file, { key, workDir: workDirFor(config.dbPath) });
    expect(verified.counts).toEqual(report.counts);
  });

  it("check a copy that another connection is reading: the keyword index check's write is rolled back, never committed", async () => {
    const config = backupConfig();
    seedDatabase(config, 50);
    const file = path.join(tempDir(), "snap.db");
    const snap = await takeSnapshot(config.dbPath, file);
    makeStandalone(file);
    const reader = new Database(file, { readonly: true });
    try {
      reader.exec("BEGIN");
      reader.prepare("SELECT count(*) FROM entries").get();
      // Committing the check would wait for the reader's lock (5 s), then fail: "database is locked".
      expect(checkKeywordIndex(file)).toBe("matches");
      expect(checkStandaloneFile(file, snap.counts)).toEqual(snap.counts);
    } finally {
      reader.close();
    }
  });

  it("a database that fails SQLite's integrity check is not backed up, and nothing is left behind", async () => {
    const config = backupConfig({ offsite: true });
    seedDatabase(config, 200);
    // An index whose stored rows are no longer what its definition says (as a torn write leaves).
    const db = new Database(config.dbPath);
    db.unsafeMode(true);
    db.pragma("writable_schema = ON");
    db.prepare("UPDATE sqlite_schema SET sql = ? WHERE name = 'entries_pinned'").run(
      "CREATE INDEX entries_pinned ON entries(text)",
    );
    db.close();
    const err = await runBackup(config, { secrets: new MemorySecretStore() }).catch((e: unknown) => e);
    expect(isBrainError(err, "backup_invalid"), String(err)).toBe(true);
    expect((err as Error).message).toMatch(
      /^The database copy failed SQLite's integrity check: .*entries_pinned/,
    );
    expectNothingLeft(config);
  });

  it("a keyword index that differs from its text is backed up with the text; verify says so and a restore rebuilds it", async () => {
    const config = backupConfig();
    seedDatabase(config, 200);
    const db = new Database(config.dbPath);
    db.exec(
      "DROP TRIGGER entries_fts_au; UPDATE entries SET text = 'the boathouse ledger moved' WHERE id = 7",
    );
    db.close();
    const secrets = new MemorySecretStore();
    const report = await runBackup(config, { secrets });
    const { key } = await loadBackupKey(secrets, { create: false });
    const verified = await verifyBackup(report.file, { key, workDir: workDirFor(config.dbPath) });
    expect(verified.keyword_index).toBe("differs");

    const to = path.join(tempDir(), "restored.db");
    const restored = await restoreBackup(report.file, to, { key });
    expect(restored.keyword_index).toBe("rebuilt");
    const copy = new Database(to, { readonly: true });
    try {
      const found = copy
        .prepare("SELECT rowid AS id FROM entries_fts WHERE entries_fts MATCH 'ledger'")
        .all();
      expect(found).toEqual([{ id: 7 }]);
    } finally {
      copy.close();
    }
    expect(checkKeywordIndex(to)).toBe("matches");
    const again = await verifyBackup(report.file, { key, workDir: workDirFor(config.dbPath) });
    expect(again.keyword_index).toBe("differs");
  });

  it("a snapshot whose counts differ from the database's at that instant stops the encryption", async () => {
    const config = backupConfig({ offsite: true });
    seedDatabase(config, 200);
    // The real checks, on a copy that lost rows after its counts were taken.
    const losingRows: CheckSnapshot = (file, expected, native) => {
      const copy = new Database(file);
      copy.exec("DELETE FROM entry_tags WHERE entry_id <= 3");
      copy.close();
      return checkOnWorker(file, expected, native);
    };
    const err = await runBackup(config, { secrets: new MemorySecretStore(), check: losingRows }).catch(
      (e: unknown) => e,
    );
    expect(isBrainError(err, "backup_invalid"), String(err)).toBe(true);
    expect((err as Error).message).toContain("entry_tags: 198 instead of 201");
    expectNothingLeft(config);
  });
});

/** No backup, no partial file and no plaintext anywhere after a failed run. */
function expectNothingLeft(config: ReturnType<typeof backupConfig>): void {
  expect(filesUnder(config.backupDir)).toEqual([]);
  expect(filesUnder(config.offsiteDir!)).toEqual([]);
  expect(fs.readdirSync(workDirFor(config.dbPath))).toEqual([]);
}

describe("removeLargeFile", () => {
  it("removes a file larger than one freeing step, and a missing file is no error", async () => {
    const dir = tempDir();
    const file = path.join(dir, "big.db");
    // 70 MB: three 32 MB steps. A sparse file keeps the test cheap; truncation frees it the same way.
    fs.closeSync(fs.openSync(file, "w"));
    fs.truncateSync(file, 70 * 1024 * 1024);
    fs.writeFileSync(path.join(dir, "other"), "kept");
    await removeLargeFile(file);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(["other"]);
    await expect(removeLargeFile(file)).resolves.toBeUndefined();
  });
});
