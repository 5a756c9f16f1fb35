import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createBrain } from "../src/core/brain.ts";
import { CLOUD_KEY_SERVICE } from "../src/core/privacy/index.ts";
import { ROOT, runBrain } from "./support/cli.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { testConfig } from "./support/tmp.ts";

/** Every TypeScript file below `dir`, relative to the repository. */
function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => path.join(dir, f));
}

const SHELLS = ["src/cli", "src/mcp", "src/commands", "src/hooks", "src/components", "src/helpers"];

describe("the composition roots", () => {
  it("are the only places that pick the secret store", () => {
    const picking = sources("src")
      .filter((f) => !f.startsWith(path.join("src", "core", "adapters")))
      .filter((f) => fs.readFileSync(path.join(ROOT, f), "utf8").includes("detectSecretStore("));
    expect(picking).toEqual([path.join("src", "cli", "main.ts")]);
  });

  it("give the shells a Brain, never its raw database handle", () => {
    const raw = SHELLS.flatMap(sources).flatMap((f) =>
      fs
        .readFileSync(path.join(ROOT, f), "utf8")
        .split("\n")
        .filter((line) => /\.db\b(?!["'`])/.test(line) && !line.includes("values.db"))
        .map((line) => `${f}: ${line.trim()}`),
    );
    expect(raw).toEqual([]);
  });
});

describe("a Brain opened on first use", () => {
  it("lists backups and forgets a cloud key without creating the database, then opens it when needed", async () => {
    const config = testConfig();
    const secrets = new MemorySecretStore();
    await secrets.set(CLOUD_KEY_SERVICE, "anthropic-api-key", "sk-ant-1");
    const brain = createBrain(config, { secrets: () => secrets }, { open: "on first use" });
    try {
      expect(await brain.backup.list()).toEqual([]);
      expect(fs.existsSync(config.dbPath)).toBe(false);
      expect(await brain.cloud.disable({ forgetKey: true })).toEqual({ changed: false, keyForgotten: true });
      expect(await secrets.get(CLOUD_KEY_SERVICE, "anthropic-api-key")).toBeNull();
      expect((await brain.cloud.status()).key).toEqual({ state: "missing" });
      expect(brain.entries.capture({ text: "hello" }).entry.id).toBe(1);
      expect(fs.existsSync(config.dbPath)).toBe(true);
    } finally {
      brain.close();
    }
  });

  it("`brain backup list` and a failed `brain restore` leave no database behind", async () => {
    const config = testConfig();
    const env = { BRAIN_BACKUP_DIR: config.backupDir };
    const list = await runBrain(["backup", "list", "--json"], { db: config.dbPath, env });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ backups: [] });
    const restore = await runBrain(
      ["restore", path.join(config.backupDir, "missing.lbb"), "--to", `${config.dbPath}.restored`],
      {
        db: config.dbPath,
        env,
      },
    );
    expect(restore.code).toBe(1);
    expect(fs.existsSync(config.dbPath)).toBe(false);
    expect(fs.existsSync(`${config.dbPath}.restored`)).toBe(false);
  });

  it("without a secret store lent (Raycast), says where keys are kept", async () => {
    const brain = createBrain(testConfig(), {}, { open: "on first use" });
    await expect(brain.backup.exportKey()).rejects.toThrow(
      "This runtime has no access to the OS secret store.",
    );
    expect((await brain.cloud.status()).key.state).toBe("unavailable");
  });
});
