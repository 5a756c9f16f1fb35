import fs from "node:fs";
import { BrainError } from "./errors.ts";

/**
 * One embedder at a time per database: a lock file beside it holding the owner's pid, created
 * with O_EXCL. A lock whose process is gone (killed, crashed) is taken over.
 *
 * @example
 * const release = acquireEmbedLock(dbPath);
 * try { ... } finally { release(); }
 */
export function acquireEmbedLock(dbPath: string): () => void {
  const lockPath = `${dbPath}.embed.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, "wx", 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(readOrEmpty(lockPath));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new BrainError(
          "embedder_running",
          `Another embedder (pid ${owner}) is already running on this database.`,
          {
            hint: "Nothing to do: it will finish the work. Run `brain embed` again later if needed.",
          },
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new BrainError("embedder_running", "Could not take the embedder lock.", {
    hint: "Try `brain embed` again.",
  });
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
