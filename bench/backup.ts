// Backup figures: a whole backup (snapshot, check, encryption, read-back, offsite copy, pruning)
// in its own process, as the daily job runs it; a verify and a restore of the result; and the
// longest capture another process made while a backup ran.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { listBackupFiles, workDirFor } from "../src/core/backup/files.ts";
import { loadBackupKey } from "../src/core/backup/key.ts";
import { restoreBackup, verifyBackup } from "../src/core/backup/restore.ts";
import { resolveConfig, type BrainConfig } from "../src/core/base/config.ts";
import { JOB_NICE } from "../src/core/jobs/systemd.ts";
import { MemorySecretStore } from "../test/support/memory-secret-store.ts";
import { benchDir, ROOT, row, timeRuns, type Row } from "./lib.ts";
import type { BenchDb } from "./store.ts";

/** Backup, verify and restore times, and the capture stall during a backup, for one database. */
export async function benchBackup(db: BenchDb): Promise<Row[]> {
  const size = db.size.toLocaleString("en");
  const dir = benchDir();
  const config = resolveConfig(
    { dbPath: db.dbPath, backupDir: path.join(dir, "backups"), offsiteDir: path.join(dir, "offsite") },
    {},
  );
  const { key } = await loadBackupKey(new MemorySecretStore(), { create: true });
  // At a million, one of each: a backup is then several seconds of work.
  const runs = db.size > 100_000 ? 1 : 3;
  try {
    // Backups on one day: retention keeps only the newest, which the verify and restore read.
    const backups = await timeRuns(runs, () => backUpInChild(config, key), 0);
    const newest = listBackupFiles(config.backupDir)[0]!.path;
    const workDir = workDirFor(config.dbPath);
    const verifies = await timeRuns(runs, () => verifyBackup(newest, { key, workDir }), 0);
    const restores = await timeRuns(
      runs,
      (i) => restoreBackup(newest, path.join(dir, `restored-${i}.db`), { key }),
      0,
    );
    const mb = (fs.statSync(newest).size / 1048576).toFixed(0);
    const stall = await captureStallDuringBackup(db.dbPath, () => backUpInChild(config, key));
    return [
      row(
        "backup, whole process (snapshot, check, encrypt, read back, offsite, prune)",
        size,
        backups,
        db.size === 100_000 ? "< 4 s" : "",
        `${mb} MB`,
      ),
      row("backup verify (decrypt, integrity, FTS, counts)", size, verifies),
      row("restore (decrypt, integrity, FTS, counts, rename)", size, restores),
      row("longest capture while a backup runs", size, [stall.max], "< 50 ms", `${stall.count} captures`),
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One backup in a process of its own, as the daily job runs `brain backup`, timed from start to
 * exit (test/support/backup-child.ts: the core's runBackup with the key on stdin, since the bench
 * has no OS secret store). At the job's priority: the systemd unit says `Nice=10` and launchd's
 * `ProcessType Background` lowers it further, so the process starts under `nice -n 10` (its
 * threads inherit it). Nothing else runs in the timed backups; beside the capture loop, the
 * captures are served first, as they are beside the daily job.
 */
async function backUpInChild(config: BrainConfig, key: Buffer): Promise<void> {
  const script = path.join(ROOT, "test", "support", "backup-child.ts");
  const args = [process.execPath, script, config.dbPath, config.backupDir, config.offsiteDir ?? ""];
  const child = spawn("nice", ["-n", String(JOB_NICE), ...args], { stdio: ["pipe", "pipe", "inherit"] });
  let events = "";
  child.stdout.setEncoding("utf8").on("data", (data: string) => (events += data));
  child.stdin.end(key.toString("base64"));
  const code = await new Promise((resolve) => child.on("close", resolve));
  if (code !== 0 || !events.includes("done")) throw new Error(`The backup process failed (exit ${code}).`);
}

/**
 * Runs bench/capture-loop.ts (a separate process capturing every 5 ms) and returns the longest
 * capture among those made while `backup` ran.
 */
async function captureStallDuringBackup(
  dbPath: string,
  backup: () => Promise<unknown>,
): Promise<{ max: number; count: number }> {
  const child = spawn(process.execPath, [path.join(ROOT, "bench", "capture-loop.ts"), dbPath], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let recording = false;
  const times: number[] = [];
  let buffered = "";
  let firstLine: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (firstLine = resolve));
  child.stdout.setEncoding("utf8").on("data", (data: string) => {
    buffered += data;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    firstLine();
    if (recording) times.push(...lines.map(Number).filter(Number.isFinite));
  });
  await started;
  recording = true;
  await backup();
  // A capture stalled by the backup's end finishes just after it: give it time to report.
  await new Promise((resolve) => setTimeout(resolve, 300));
  recording = false;
  const exited = new Promise((resolve) => child.on("close", resolve));
  child.kill("SIGTERM");
  await exited;
  return { max: Math.max(0, ...times), count: times.length };
}
