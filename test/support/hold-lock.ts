import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT, cleanEnv } from "./cli.ts";

const LOCK_HOLDER = path.join(ROOT, "test", "support", "lock-holder.ts");

/**
 * Another process holding the database's write lock for `ms` (lock-holder.ts): resolves once it
 * holds it; `done` once it has let go.
 *
 * @example
 * const lock = await holdLock(db, 2000);
 * await lock.done;
 */
export async function holdLock(file: string, ms: number): Promise<{ done: Promise<number | null> }> {
  const child = spawn(process.execPath, [LOCK_HOLDER, file, String(ms)], {
    cwd: ROOT,
    env: cleanEnv(),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const done = new Promise<number | null>((resolve) => child.on("close", resolve));
  await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
  return { done };
}
