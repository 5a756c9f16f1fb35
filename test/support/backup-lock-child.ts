// A separate process that holds the backup lock of DB with withBackupLock, as a backup run does:
// it writes a plaintext file into the work folder, prints "holding" and waits to be stopped by a
// signal. `node backup-lock-child.ts DB`.
import fs from "node:fs";
import path from "node:path";
import { withBackupLock } from "../../src/core/backup/lock.ts";

const [dbPath] = process.argv.slice(2);
await withBackupLock(dbPath!, async (workDir) => {
  fs.writeFileSync(path.join(workDir, "snapshot-child.db"), "plaintext of a run in progress");
  process.stdout.write("holding\n");
  await new Promise(() => setInterval(() => undefined, 1_000));
});
