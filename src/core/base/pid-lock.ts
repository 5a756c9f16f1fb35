import fs from "node:fs";
import type { BrainError } from "./errors.ts";

/**
 * A lock file holding its owner's pid, linked into place atomically: one embedder, one backup at
 * a time. A lock whose process is gone (killed, crashed) is taken over. Returns the release function.
 *
 * @example
 * const release = acquirePidLock(`${dbPath}.embed.lock`, (pid) => new BrainError("embedder_running", `pid ${pid}`));
 * try { ... } finally { release(); }
 */
export function acquirePidLock(lockPath: string, busy: (owner: number) => BrainError): () => void {
  // The pid is written to a private file first and linked into place, so the lock file is never
  // seen empty: an empty file would look like a dead owner's and be taken over.
  const mine = `${lockPath}.${process.pid}`;
  fs.writeFileSync(mine, String(process.pid), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.linkSync(mine, lockPath);
        return () => fs.rmSync(lockPath, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        const owner = Number(readOrEmpty(lockPath));
        if (owner && owner !== process.pid && isAlive(owner)) throw busy(owner);
        fs.rmSync(lockPath, { force: true });
      }
    }
    throw busy(Number(readOrEmpty(lockPath)));
  } finally {
    fs.rmSync(mine, { force: true });
  }
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}
