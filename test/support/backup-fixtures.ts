import fs from "node:fs";
import path from "node:path";
import { createBrain } from "../../src/core/brain.ts";
import { resolveConfig, type BrainConfig } from "../../src/core/base/config.ts";
import { tempDir } from "./tmp.ts";

/**
 * Configuration for a backup test in a fresh temp dir: database, backup folder and, optionally,
 * an offsite folder `icloud/Local Brain` whose parent exists (as iCloud Drive's does when it is on).
 */
export function backupConfig(options: { offsite?: boolean } = {}): BrainConfig {
  const dir = tempDir("brain-backup-");
  if (options.offsite) fs.mkdirSync(path.join(dir, "icloud"));
  return resolveConfig(
    {
      dbPath: path.join(dir, "data", "brain.db"),
      backupDir: path.join(dir, "backups"),
      offsiteDir: options.offsite ? path.join(dir, "icloud", "Local Brain") : null,
      logDir: path.join(dir, "logs"),
      ollamaHost: "http://127.0.0.1:9",
    },
    {},
  );
}

/** A known entry a restore drill searches for, among `count` filler notes. */
export const KNOWN_TEXT = "The spare key to the boathouse is under the blue flowerpot";

/**
 * Fills the database at `config.dbPath` with `count` notes (with tags, some edited, so history and
 * tag tables have rows too) plus {@link KNOWN_TEXT}, and closes it.
 */
export function seedDatabase(config: BrainConfig, count: number): void {
  fs.mkdirSync(path.dirname(config.dbPath), { recursive: true });
  const brain = createBrain(config);
  try {
    const inputs = Array.from({ length: count }, (_, i) => ({
      text: `note ${i}: ${"postgres deploy review ".repeat(1 + (i % 9))}`,
      tags: [`t${i % 5}`],
    }));
    const created = brain.entries.captureMany(inputs);
    for (const result of created.slice(0, 20))
      brain.entries.edit(result.entry.id, { text: `${result.entry.text} (edited)` });
    brain.entries.capture({ text: KNOWN_TEXT, kind: "fact", tags: ["home"] });
  } finally {
    brain.close();
  }
}

/** Every file under `dir` (recursively), as paths. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((name) => path.join(dir, name))
    .filter((file) => fs.statSync(file).isFile());
}

/** The permission bits of a file or folder, e.g. 0o600. */
export function modeOf(file: string): number {
  return fs.statSync(file).mode & 0o777;
}
