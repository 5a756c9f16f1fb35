/**
 * Pruning a backup folder to its retention plan (backup-retention.ts decides; this does the I/O),
 * touching only backups made with this key: another Mac may share the iCloud Drive folder.
 */
import fs from "node:fs";
import { partialPathFor } from "./files.ts";
import { removeLargeFile } from "./large-files.ts";
import { backupsWithKey } from "./list.ts";
import { planRetention } from "./retention.ts";

export interface PruneResult {
  removed: string[];
  kept: number;
  /** Set when nothing was deleted because a backup is dated in the future. */
  held?: { reason: "future_backup"; files: string[] };
}

/**
 * Removes the backups of `dir` made with `keyId` that retention does not keep at `now`, never
 * `protect` (the file name of the backup just made).
 *
 * @example
 * const result = await pruneFolder(config.backupDir, { id: keyId, bytes: key }, "brain-2026-03-01T03-30-00-000Z.lbb", new Date());
 */
export async function pruneFolder(
  dir: string,
  key: { id: string; bytes: Uint8Array },
  protect: string,
  now: Date,
): Promise<PruneResult> {
  const keyId = key.id;
  // By the times in the manifests: a file renamed to a newer date is not kept for its name.
  const plan = planRetention(await backupsWithKey(dir, keyId, key.bytes), now, { protect });
  for (const file of plan.remove) {
    // Out of the backups' names first: removeLargeFile shrinks the file before it unlinks it, and
    // a run killed meanwhile must not leave a cut-short file under a backup's name. The next run
    // removes this partial name (with this key's id on it, also in a shared offsite folder).
    const doomed = partialPathFor(file.path, keyId);
    await fs.promises.rename(file.path, doomed);
    await removeLargeFile(doomed);
  }
  return {
    removed: plan.remove.map((f) => f.name),
    kept: plan.keep.length,
    ...(plan.held ? { held: plan.held } : {}),
  };
}
