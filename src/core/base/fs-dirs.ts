import fs from "node:fs";
import path from "node:path";
import { BrainError } from "./errors.ts";

/**
 * Creates a folder and its missing parents, each with `mode`, one level at a time. Node's own
 * `mkdirSync(..., { recursive: true })` never returns for some paths (under /proc, for one);
 * this fails with a clear error instead.
 *
 * @example
 * makeDirs("/Users/me/Library/Application Support/local-brain", 0o700);
 */
export function makeDirs(dir: string, mode = 0o700): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing) {
    try {
      fs.mkdirSync(folder, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw new BrainError("bad_input", `Could not create the folder ${folder}: ${(err as Error).message}`, {
        hint: "Check the path and its permissions, or choose another place.",
        cause: err,
      });
    }
  }
}
