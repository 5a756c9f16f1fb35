import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { createBrain, type Brain, type BrainDeps } from "../../src/core/brain.ts";
import { resolveConfig, type BrainConfig } from "../../src/core/base/config.ts";

const made: string[] = [];
const opened: Brain[] = [];

afterEach(() => {
  for (const brain of opened.splice(0)) brain.close();
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = "brain-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Configuration pointing every path at a fresh temporary folder. */
export function testConfig(overrides: Partial<BrainConfig> = {}): BrainConfig {
  const dir = tempDir();
  return resolveConfig(
    {
      dbPath: path.join(dir, "brain.db"),
      backupDir: path.join(dir, "backups"),
      offsiteDir: null,
      logDir: path.join(dir, "logs"),
      ollamaHost: "http://127.0.0.1:9",
      ...overrides,
    },
    {},
  );
}

/** A Brain on a fresh real database file, closed after the test. */
export function testBrain(deps: BrainDeps = {}, overrides: Partial<BrainConfig> = {}): Brain {
  const brain = createBrain(testConfig(overrides), deps);
  opened.push(brain);
  return brain;
}
