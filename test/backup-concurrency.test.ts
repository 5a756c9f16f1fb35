import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { runBackup, type BackupReport } from "../src/core/backup/backup.ts";
import { listBackupFiles, workDirFor } from "../src/core/backup/files.ts";
import { loadBackupKey } from "../src/core/backup/key.ts";
import { restoreBackup, verifyBackup } from "../src/core/backup/restore.ts";
import { checkDatabaseFile, takeSnapshot } from "../src/core/backup/snapshot.ts";
import { backupConfig, filesUnder, seedDatabase } from "./support/backup-fixtures.ts";
import { ROOT } from "./support/cli.ts";
import { FixedClock } from "./support/fixed-clock.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { tempDir } from "./support/tmp.ts";

/**
 * Each test runs dozens of whole backups beside a writer process: a hang guard for the test as a
 * whole, generous because a shared 2-core machine under load takes minutes (not a speed requirement).
 */
const MANY_BACKUPS = { timeout: 300_000 };

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** test/support/backup-writer.ts committing ~200 entries/s until killed; resolves once it has committed. */
async function startWriter(dbPath: string): Promise<void> {
  const writer = path.join(ROOT, "test/support/backup-writer.ts");
  const child = spawn(process.execPath, [writer, dbPath, "200"], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let lines = 0;
  let first: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (first = resolve));
  child.stdout.setEncoding("utf8").on("data", (data: string) => {
    lines += data.split("\n").length - 1;
    if (lines > 20) first();
  });
  await started;
}

/** Rejects when `promise` has not settled after `ms`: a hang guard, not a speed requirement. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Restores `file` and checks, beyond restore's own proof, that ids have no gap (no torn snapshot). */
async function restoreAndInspect(file: string, key: Buffer): Promise<{ entries: number; maxId: number }> {
  const to = path.join(tempDir(), "restored.db");
  const report = await restoreBackup(file, to, { key });
  const db = new Database(to, { readonly: true });
  try {
    const row = db.prepare("SELECT count(*) AS n, max(id) AS maxId FROM entries").get() as {
      n: number;
      maxId: number;
    };
    expect(row.n).toBe(report.manifest.counts.entries);
    return { entries: row.n, maxId: row.maxId };
  } finally {
    db.close();
  }
}

describe("backups while another process writes", () => {
  it(
    "50 backups under a continuous writer, with a checkpoint forced halfway: 0 corrupt",
    MANY_BACKUPS,
    async () => {
      const config = backupConfig({ offsite: true });
      seedDatabase(config, 2000);
      await startWriter(config.dbPath);
      const secrets = new MemorySecretStore();
      const clock = new FixedClock("2026-03-01T03:30:00Z");
      const reports: BackupReport[] = [];
      let checkpoint: unknown;
      for (let i = 0; i < 50; i++) {
        if (i === 25) {
          const db = new Database(config.dbPath);
          db.pragma("busy_timeout = 10000");
          checkpoint = db.pragma("wal_checkpoint(TRUNCATE)");
          db.close();
        }
        clock.advance(3_600_000);
        const report = await within(runBackup(config, { secrets, clock }), 60_000, `backup ${i + 1}`);
        const { key } = await loadBackupKey(secrets, { create: false });
        const restored = await restoreAndInspect(report.file, key);
        // Entries are only ever appended, one per transaction: a consistent snapshot has ids 1..n.
        expect(restored.maxId).toBe(restored.entries);
        reports.push(report);
      }
      // The forced checkpoint ran (moving the WAL into the database mid-series, as a writer's would).
      expect(checkpoint).toEqual([
        expect.objectContaining({ busy: expect.any(Number), log: expect.any(Number) }),
      ]);
      // The writer really wrote throughout: every backup saw more entries than the one before.
      const counts = reports.map((r) => r.counts.entries!);
      for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]!);
      expect(counts[49]! - counts[0]!).toBeGreaterThan(100);
      // The copies kept offsite verify too.
      const { key } = await loadBackupKey(secrets, { create: false });
      for (const file of listBackupFiles(config.offsiteDir!)) {
        await verifyBackup(file.path, { key, workDir: workDirFor(config.dbPath) });
      }
    },
  );
});

describe("a snapshot copied in many steps while another process writes", () => {
  it("is of one instant: its counts match, it is whole, and its ids have no gap", MANY_BACKUPS, async () => {
    const config = backupConfig();
    seedDatabase(config, 2000);
    await startWriter(config.dbPath);
    const dir = tempDir();
    const live = new Database(config.dbPath, { readonly: true });
    let landedMeanwhile = 0;
    try {
      for (let i = 0; i < 20; i++) {
        const dest = path.join(dir, `snap-${i}.db`);
        // 16 KB steps: hundreds of them, each synced, with the writer's commits landing in between.
        const snap = await within(
          takeSnapshot(config.dbPath, dest, {}, { stepBytes: 16_384 }),
          30_000,
          `snapshot ${i + 1}`,
        );
        const now = live.prepare("SELECT count(*) AS n FROM entries").get() as { n: number };
        landedMeanwhile += now.n - snap.counts.entries!;
        expect(checkDatabaseFile(dest, snap.counts)).toEqual(snap.counts);
        const copy = new Database(dest, { readonly: true });
        const row = copy.prepare("SELECT count(*) AS n, max(id) AS maxId FROM entries").get();
        copy.close();
        expect(row).toEqual({ n: snap.counts.entries, maxId: snap.counts.entries });
      }
    } finally {
      live.close();
    }
    expect(landedMeanwhile).toBeGreaterThan(20);
  });
});

/** A deterministic pseudo-random sequence, so a failing kill schedule can be replayed. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

interface ChildRun {
  events: string[];
  exit: Promise<void>;
  kill(): void;
  started: Promise<void>;
}

function startBackupChild(config: ReturnType<typeof backupConfig>, keyBase64: string): ChildRun {
  const script = path.join(ROOT, "test/support/backup-child.ts");
  const child = spawn(process.execPath, [script, config.dbPath, config.backupDir, config.offsiteDir ?? ""], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  const events: string[] = [];
  let onStart: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStart = resolve));
  child.stdout.setEncoding("utf8").on("data", (data: string) => {
    events.push(...data.split("\n").filter(Boolean));
    if (events.includes("start")) onStart();
  });
  const exit = new Promise<void>((resolve) => child.on("close", () => resolve()));
  void exit.then(onStart);
  child.stdin.end(keyBase64);
  return { events, exit, started, kill: () => child.kill("SIGKILL") };
}

describe("a backup process killed at random points", () => {
  it(
    "never leaves an unverified file under a backup's final name, and the next run cleans up",
    MANY_BACKUPS,
    async () => {
      const config = backupConfig({ offsite: true });
      seedDatabase(config, 8000);
      await startWriter(config.dbPath);
      const secrets = new MemorySecretStore();
      const { key } = await loadBackupKey(secrets, { create: true });
      const keyBase64 = key.toString("base64");

      // Calibrate: how long one whole backup takes here, from its first event to its exit.
      const calibration = startBackupChild(config, keyBase64);
      await calibration.started;
      const t0 = performance.now();
      await calibration.exit;
      const span = performance.now() - t0;
      expect(calibration.events.at(-1)).toBe("done");

      const random = seeded(20260301);
      const interrupted: string[] = [];
      for (let run = 0; run < 20; run++) {
        const child = startBackupChild(config, keyBase64);
        await child.started;
        await new Promise((resolve) => setTimeout(resolve, random() * span));
        child.kill();
        await child.exit;
        interrupted.push(child.events.at(-1) ?? "none");
        await expectOnlyVerifiedFinalNames(config, key, `run ${run} killed after "${child.events.at(-1)}"`);
      }
      // The schedule did interrupt backups mid-way, not only after they were done.
      expect(interrupted.filter((e) => e !== "done").length).toBeGreaterThan(0);

      const after = await runBackup(config, { secrets });
      expect(after.file).toBeTruthy();
      expect(fs.readdirSync(workDirFor(config.dbPath))).toEqual([]);
      for (const dir of [config.backupDir, config.offsiteDir!]) {
        expect(filesUnder(dir).filter((f) => path.basename(f).startsWith("."))).toEqual([]);
      }
    },
  );
});

/** Every file under a final name verifies; everything else is an unfinished `.…partial` file. */
async function expectOnlyVerifiedFinalNames(
  config: ReturnType<typeof backupConfig>,
  key: Buffer,
  context: string,
): Promise<void> {
  for (const dir of [config.backupDir, config.offsiteDir!]) {
    const finals = new Set(listBackupFiles(dir).map((f) => f.path));
    for (const file of filesUnder(dir)) {
      if (finals.has(file)) {
        await verifyBackup(file, { key, workDir: tempDir() }).catch((err: unknown) => {
          throw new Error(`${context}: ${file} is under a final name but does not verify: ${String(err)}`);
        });
      } else {
        expect(path.basename(file), context).toMatch(/^\..*\.partial$/);
      }
    }
  }
}
