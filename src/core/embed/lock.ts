import { BrainError, acquirePidLock } from "../base/index.ts";

/**
 * One embedder at a time per database: a pid lock file beside it.
 *
 * @example
 * const release = acquireEmbedLock(dbPath);
 * try { ... } finally { release(); }
 */
export function acquireEmbedLock(dbPath: string): () => void {
  return acquirePidLock(
    `${dbPath}.embed.lock`,
    (owner) =>
      new BrainError(
        "embedder_running",
        `Another embedder (pid ${owner}) is already running on this database.`,
        {
          hint: "Nothing to do: it will finish the work. Run `brain embed` again later if needed.",
        },
      ),
  );
}
