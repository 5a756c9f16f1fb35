import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { runBackup, type BackupReport } from "../src/core/backup/backup.ts";
import { listBackupFiles, parseBackupName, type BackupFile } from "../src/core/backup/files.ts";
import { planRetention } from "../src/core/backup/retention.ts";
import { backupConfig, seedDatabase } from "./support/backup-fixtures.ts";
import { FixedClock } from "./support/fixed-clock.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";

const DAY = 86_400_000;
const START = Date.parse("2026-01-01T03:30:00Z");

function file(iso: string): BackupFile {
  const time = new Date(iso);
  const name = `brain-${time.toISOString().replace(/:/g, "-").replace(".", "-")}.lbb`;
  return { name, path: `/x/${name}`, time, bytes: 1 };
}

describe("planRetention", () => {
  it("keeps the newest backup of each day", () => {
    const files = [
      "2026-03-01T03:00:00Z",
      "2026-03-01T12:00:00Z",
      "2026-03-01T23:59:00Z",
      "2026-02-28T10:00:00Z",
    ].map(file);
    const plan = planRetention(files, new Date("2026-03-02T00:00:00Z"));
    expect(plan.keep.map((f) => f.time.toISOString())).toEqual([
      "2026-03-01T23:59:00.000Z",
      "2026-02-28T10:00:00.000Z",
    ]);
    expect(plan.remove).toHaveLength(2);
  });

  it("keeps 14 days, and the protected backup even when it is older", () => {
    const files = Array.from({ length: 20 }, (_, i) => file(new Date(START + i * DAY).toISOString()));
    const oldest = files[0]!;
    const plan = planRetention(files, new Date(START + 20 * DAY), { protect: oldest.name });
    expect(plan.keep).toHaveLength(15);
    expect(plan.keep.map((f) => f.name)).toContain(oldest.name);
    expect(plan.remove.map((f) => f.time.getTime())).toEqual([5, 4, 3, 2, 1].map((d) => START + d * DAY));
  });

  it("deletes nothing when a backup is dated in the future, and says which", () => {
    const files = Array.from({ length: 30 }, (_, i) => file(new Date(START + i * DAY).toISOString()));
    const plan = planRetention(files, new Date(START + 28 * DAY));
    expect(plan.remove).toEqual([]);
    expect(plan.held?.files).toEqual([files[29]!.name]);
    // A few minutes of clock skew is not a wrong clock.
    expect(planRetention(files, new Date(START + 29 * DAY - 60_000)).held).toBeUndefined();
  });
});

describe("retention over 60 simulated days, with an outage and clock jumps", () => {
  it("never deletes the newest backup, never deletes while the clock looks wrong, and keeps 14 days", async () => {
    const config = backupConfig({ offsite: true });
    seedDatabase(config, 20);
    const secrets = new MemorySecretStore();
    const clock = new FixedClock(START);
    const names = (dir: string) => listBackupFiles(dir).map((f) => f.name);
    const days = (dir: string) => listBackupFiles(dir).map((f) => f.time.toISOString().slice(0, 10));

    const backup = async (at: number): Promise<{ report: BackupReport; before: string[] }> => {
      const before = names(config.backupDir);
      clock.set(at);
      const report = await runBackup(config, { secrets, clock });
      const after = names(config.backupDir);
      const made = report.file.split("/").pop()!;
      expect(after).toContain(made); // the newest verified backup survives its own pruning
      expect(names(config.offsiteDir!)).toContain(made);
      if (report.pruned.local.held) expect(after.sort()).toEqual([...before, made].sort());
      else expect(new Set(days(config.backupDir)).size).toBe(after.length); // one per day
      expect(names(config.offsiteDir!).sort()).toEqual(after.sort()); // both folders pruned alike
      return { report, before };
    };

    for (let day = 0; day < 20; day++) {
      await backup(START + day * DAY);
      if (day % 6 === 0) await backup(START + day * DAY + 10 * 3_600_000); // some days twice
    }
    expect(days(config.backupDir)).toEqual(
      Array.from({ length: 14 }, (_, i) => new Date(START + (19 - i) * DAY).toISOString().slice(0, 10)),
    );
    // Days 6 and 12 had two backups: the later one (13:30) is the one kept.
    const day12 = listBackupFiles(config.backupDir).find((f) =>
      f.time.toISOString().startsWith("2026-01-13"),
    );
    expect(day12?.time.toISOString()).toBe("2026-01-13T13:30:00.000Z");

    // An outage: days 20-39 the machine is off. Coming back must not purge the older backups.
    const back = await backup(START + 40 * DAY);
    expect(back.report.pruned.local.removed).toHaveLength(1);
    expect(listBackupFiles(config.backupDir)).toHaveLength(14);

    // The clock jumps a year ahead for one run; then it is right again. While that future-dated
    // backup exists, nothing at all is deleted, locally or offsite.
    const jumped = await backup(START + 41 * DAY + 365 * DAY);
    expect(jumped.report.pruned.local.removed).toHaveLength(1); // its own run sees no future backup
    const futureName = jumped.report.file.split("/").pop()!;
    for (let day = 42; day < 48; day++) {
      const { report } = await backup(START + day * DAY);
      expect(report.pruned.local.held?.files).toEqual([futureName]);
      expect(report.pruned.offsite?.held?.files).toEqual([futureName]);
      expect(report.pruned.local.removed).toEqual([]);
    }
    expect(listBackupFiles(config.backupDir)).toHaveLength(14 + 6);

    // The person removes the wrongly dated backup (as the log line asks): pruning resumes.
    fs.rmSync(`${config.backupDir}/${futureName}`);
    fs.rmSync(`${config.offsiteDir}/${futureName}`);
    const resumed = await backup(START + 48 * DAY);
    expect(resumed.report.pruned.local.held).toBeUndefined();
    expect(listBackupFiles(config.backupDir)).toHaveLength(14);

    // The clock jumps back 30 days for one run (to day 19): the 8 backups of days 40-48 look
    // future-dated, so nothing is deleted; the next right-clock run prunes the stray normally.
    const backwards = await backup(START + 49 * DAY - 30 * DAY);
    expect(backwards.report.pruned.local.held?.files).toHaveLength(8);
    expect(backwards.report.file).toMatch(/brain-2026-01-20T03-30-00-000Z-1\.lbb$/); // same instant as day 19's
    const stray = backwards.report.file.split("/").pop()!;
    for (let day = 49; day < 60; day++) await backup(START + day * DAY);
    expect(names(config.backupDir)).not.toContain(stray);
    const kept = listBackupFiles(config.backupDir).map((f) => parseBackupName(f.name)!.getTime());
    expect(kept).toHaveLength(14);
    expect(kept[0]).toBe(START + 59 * DAY);
    // The 14 most recent days that have a backup: 59 back to 46.
    expect(kept.map((t) => Math.round((t - START) / DAY))).toEqual([
      59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46,
    ]);
  });
});
