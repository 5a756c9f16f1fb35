/**
 * Which backups to keep. The rules, in order:
 *
 * 1. When any backup is dated in the future (beyond a few minutes' slack), the clock is wrong now
 *    or was wrong then: nothing is deleted, and the plan says why.
 * 2. The newest backup of each of the last `keepDays` days (UTC) that have a backup is kept. Days
 *    without a backup (the machine was off) do not count, so coming back from three weeks away
 *    leaves 14 older backups, not one.
 * 3. The protected backup (the newest verified one) is never deleted, whatever its date.
 * 4. Everything else is deleted.
 */
import type { BackupFile } from "./files.ts";

export const KEEP_DAYS = 14;
/** How far in the future a backup may be dated before the clock is distrusted (clock skew). */
export const FUTURE_SLACK_MS = 5 * 60_000;

export interface RetentionPlan {
  keep: BackupFile[];
  remove: BackupFile[];
  /** Set when nothing may be deleted because the clock looks wrong, with the backups that show it. */
  held?: { reason: "future_backup"; files: string[] };
}

export interface RetentionOptions {
  keepDays?: number;
  /** The name of a backup never to delete: the newest one known to verify. */
  protect?: string;
}

/**
 * Plans a pruning of `files` (any order) at time `now`. Pure: deletes nothing itself.
 *
 * @example
 * const plan = planRetention(listBackupFiles(dir), clock.now(), { protect: newest.name });
 * for (const file of plan.remove) fs.rmSync(file.path);
 */
export function planRetention(
  files: readonly BackupFile[],
  now: Date,
  options: RetentionOptions = {},
): RetentionPlan {
  const sorted = [...files].sort(
    (a, b) => b.time.getTime() - a.time.getTime() || b.name.localeCompare(a.name),
  );
  const future = sorted.filter((f) => f.time.getTime() > now.getTime() + FUTURE_SLACK_MS);
  if (future.length > 0) {
    return { keep: sorted, remove: [], held: { reason: "future_backup", files: future.map((f) => f.name) } };
  }
  const keepDays = options.keepDays ?? KEEP_DAYS;
  const days = new Set<string>();
  const keep: BackupFile[] = [];
  const remove: BackupFile[] = [];
  for (const file of sorted) {
    const day = file.time.toISOString().slice(0, 10);
    const newestOfItsDay = !days.has(day);
    days.add(day);
    const recentDay = newestOfItsDay && days.size <= keepDays;
    (recentDay || file.name === options.protect ? keep : remove).push(file);
  }
  return { keep, remove };
}
