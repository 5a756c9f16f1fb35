import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runBackup } from "../src/core/backup/backup.ts";
import { backupFileName, listBackupFiles } from "../src/core/backup/files.ts";
import { loadBackupKey } from "../src/core/backup/key.ts";
import { listBackups } from "../src/core/backup/list.ts";
import { byManifestTime, readManifest } from "../src/core/backup/manifest.ts";
import { verifyBackup } from "../src/core/backup/restore.ts";
import { backupConfig, seedDatabase } from "./support/backup-fixtures.ts";
import { FixedClock } from "./support/fixed-clock.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { tempDir } from "./support/tmp.ts";

const DAY = 86_400_000;
const START = Date.parse("2026-03-01T03:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** Backups on `days` consecutive days at 03:00; returns what is needed to make more. */
async function dailyBackups(days: number) {
  const config = backupConfig();
  seedDatabase(config, 20);
  const secrets = new MemorySecretStore();
  const clock = new FixedClock(START);
  const files: string[] = [];
  for (let day = 0; day < days; day++) {
    clock.set(START + day * DAY);
    files.push((await runBackup(config, { secrets, clock })).file);
  }
  const { key } = await loadBackupKey(secrets, { create: false });
  return { config, secrets, clock, files, key };
}

/** Renames a backup to the name a backup taken at `ms` would have. */
function renameTo(file: string, ms: number): string {
  const renamed = path.join(path.dirname(file), backupFileName(new Date(ms)));
  fs.renameSync(file, renamed);
  return renamed;
}

describe("backups: the name is not the time", () => {
  it("lists by the authenticated manifest's time and flags an old backup renamed to a newer date", async () => {
    const { config, files, key } = await dailyBackups(2);
    const renamed = renameTo(files[0]!, START + 5 * DAY);
    const listed = await listBackups(config, key);
    expect(listed.map((b) => [b.name, b.created_at, b.time_from, b.name_disagrees])).toEqual([
      [path.basename(files[1]!), iso(START + DAY), "manifest", false],
      [path.basename(renamed), iso(START), "manifest", true],
    ]);
    expect(listed[1]!.name_time).toBe(iso(START + 5 * DAY));
    // Without the key nothing can be authenticated: the names' times, marked as such.
    expect((await listBackups(config)).map((b) => [b.created_at, b.time_from])).toEqual([
      [iso(START + 5 * DAY), "name"],
      [iso(START + DAY), "name"],
    ]);
  });

  it("verifies the newest by manifest when no file is named, and says when a name disagrees", async () => {
    const { config, files, key } = await dailyBackups(2);
    const renamed = renameTo(files[0]!, START + 5 * DAY);
    const newest = (await byManifestTime(listBackupFiles(config.backupDir), key))[0]!;
    expect(newest.path).toBe(files[1]);
    const report = await verifyBackup(renamed, { key, workDir: tempDir() });
    expect(report).toMatchObject({ name_time: iso(START + 5 * DAY), name_disagrees: true });
    expect(report.manifest.created_at).toBe(iso(START));
    expect((await readManifest(files[1]!, key)).created_at).toBe(iso(START + DAY));
  });

  it("prunes by the manifest's time: a renamed old backup goes, the real backup of its claimed day stays", async () => {
    const { config, secrets, clock, files } = await dailyBackups(14);
    // Backup 0 (day 1) renamed to day 14, an hour after that day's real backup: by its name the
    // newest of day 14, which would have cost the real one its place.
    const renamed = renameTo(files[0]!, START + 13 * DAY + 3_600_000);
    clock.set(START + 14 * DAY);
    const report = await runBackup(config, { secrets, clock });
    expect(report.pruned.local.removed).toEqual([path.basename(renamed)]);
    const left = listBackupFiles(config.backupDir).map((f) => f.path);
    expect(left).toContain(files[13]);
    expect(left).toHaveLength(14);
  }, 60_000);
});
