import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesUnder } from "./support/backup-fixtures.ts";
import { ROOT, runBrain, type CliRun } from "./support/cli.ts";
import {
  ON_LINUX,
  requireSecretServiceTools,
  toolPath,
  WITH_SECRET_SERVICE,
} from "./support/secret-service.ts";
import { tempDir } from "./support/tmp.ts";

interface Drill {
  runs: Record<string, CliRun>;
  inKeyring: string;
  samples: string[];
  restored: string;
  file: string;
}

describe.runIf(ON_LINUX)("the backup commands through the CLI, with the real Secret Service", () => {
  let drill: Drill;
  let root: string;
  let key: string;

  beforeAll(() => {
    requireSecretServiceTools();
    // Not tempDir(): that one is removed after each test, and every test here reads the drill's files.
    root = fs.mkdtempSync(path.join(os.tmpdir(), "brain-backup-cli-"));
    const child = spawnSync(
      WITH_SECRET_SERVICE,
      [process.execPath, path.join(ROOT, "test", "support", "backup-cli-drill.ts"), root],
      { encoding: "utf8", timeout: 120_000, maxBuffer: 256 * 1024 * 1024 },
    );
    const last = child.stdout.trim().split("\n").pop() ?? "";
    if (child.status !== 0 || !last.startsWith("{")) {
      throw new Error(
        `the drill failed (status ${child.status}):\n${child.stdout.slice(-4000)}\n${child.stderr}`,
      );
    }
    drill = JSON.parse(last) as Drill;
    key = drill.runs.exportKey!.stdout.trim();
  }, 130_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("`brain backup` logs one JSON line per event and stores a new key in the keyring", () => {
    const run = drill.runs.backup!;
    expect(run.code, run.stderr).toBe(0);
    const events = run.stdout
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { event: string }).event);
    expect(events).toEqual([
      "start",
      "key_created",
      "snapshot",
      "checked",
      "sealed",
      "offsite",
      "pruned",
      "pruned",
      "done",
    ]);
    // The exported key is the one the keyring holds, as another Secret Service client reads it.
    expect(Buffer.from(key, "base64")).toHaveLength(32);
    expect(drill.inKeyring.trim()).toBe(key);
    expect(drill.runs.exportKey!.stderr).toMatch(/losing it loses the backups/);
  });

  it("lists, verifies, and restores a backup proven whole, with the known entry found", () => {
    const list = JSON.parse(drill.runs.list!.stdout) as { backups: { offsite: boolean }[] };
    expect(list.backups).toHaveLength(1);
    expect(list.backups[0]!.offsite).toBe(true);
    const verify = JSON.parse(drill.runs.verify!.stdout) as { ok: boolean; counts: { entries: number } };
    expect(verify).toMatchObject({ ok: true, counts: { entries: 301 }, keyword_index: "matches" });
    expect(drill.runs.verifyFile!.code).toBe(0);
    expect(drill.runs.verifyFile!.stdout.split("\n")).toContain("keyword index: matches the text");
    const restore = drill.runs.restore!;
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({
      restored_to: drill.restored,
      counts: { entries: 301 },
      keyword_index: "matches",
    });
    const search = JSON.parse(drill.runs.search!.stdout) as { results: { text: string }[] };
    expect(search.results[0]?.text).toMatch(/boathouse is under the blue flowerpot/);
  });

  it("refuses to overwrite a database, and refuses a tampered backup without restoring anything", () => {
    expect(drill.runs.restoreAgain!.code).toBe(1);
    expect(drill.runs.restoreAgain!.stderr).toMatch(/already exists, so nothing was restored.*--force/);
    for (const name of ["verifyTampered", "restoreTampered"]) {
      expect(drill.runs[name]!.code).toBe(1);
      expect(drill.runs[name]!.stderr).toMatch(/failed its integrity check/);
    }
    expect(fs.readdirSync(path.join(root, "from-tampered"))).toEqual([]);
  });

  it("exits non-zero with a clear message when the offsite copy fails, keeping the local backup", () => {
    const run = drill.runs.offsiteFails!;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/offsite folder .* is missing and cannot be created.*local backup was kept/);
    const done = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: string; file?: string });
    const file = done.find((e) => e.event === "done")?.file;
    expect(file && fs.existsSync(file)).toBe(true);
  });

  it("a backup stopped with SIGTERM takes its plaintext snapshot and lock along", () => {
    const run = drill.runs.interrupted!;
    expect(run.stdout).toContain('"event":"snapshot"');
    expect(run.stdout).not.toContain('"event":"done"');
    expect(run.code, `${run.signal} ${run.stderr} ${run.stdout.slice(-300)}`).toBe(143);
    expect(fs.readdirSync(path.join(root, "big", ".backup-work"))).toEqual([]);
    expect(
      filesUnder(path.join(root, "big", "backups")).filter((f) => !path.basename(f).startsWith(".")),
    ).toEqual([]);
  });

  it("`brain backup import-key` puts an exported key back, and the backup opens again", () => {
    const keyId = (JSON.parse(drill.runs.verify!.stdout) as { key_id: string }).key_id;
    const without = drill.runs.verifyWithoutKey!;
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/no backup key.*brain backup import-key/);

    const imported = drill.runs.importKey!;
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({
      key_id: keyId,
      outcome: "stored",
      stored_in: "Secret Service",
    });
    const verified = drill.runs.verifyAfterImport!;
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, key_id: keyId, counts: { entries: 301 } });
    const restored = drill.runs.restoreAfterImport!;
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ counts: { entries: 301 } });

    expect(drill.runs.importSame!.code).toBe(0);
    expect(drill.runs.importSame!.stdout).toMatch(/already holds backup key .*nothing changed/);
  });

  it("`brain backup import-key` refuses input that is not a key, and a different key unless --force", () => {
    const bad = drill.runs.importBad!;
    expect(bad.code).toBe(2); // bad input
    expect(bad.stderr).toMatch(/not a Local Brain backup key: expected one line of base64/);
    expect(bad.stderr).not.toContain("this is not a key");

    const other = drill.runs.importOther!;
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/already holds a different backup key .*nothing was changed/);
    expect(other.stderr).toMatch(/open only with that key.*import-key --force/);

    const forced = drill.runs.importForced!;
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/Backups made with the old key \(key id [0-9a-f]{16}\) now open only/);
    // With the other key in place, the backup made with the first one is refused as such.
    expect(drill.runs.verifyOtherKey!.code).toBe(1);
    expect(drill.runs.verifyOtherKey!.stderr).toMatch(/encrypted with a different key/);
    expect(drill.runs.importBack!.code).toBe(0);
  });

  it("the key never appears in process arguments, environments, logs, or files", () => {
    const hex = Buffer.from(key, "base64").toString("hex");
    const needles = [key, hex, hex.toUpperCase()];
    expect(drill.samples.length).toBeGreaterThan(10);
    // The sampler did see the commands run (so it was watching while the key was in use).
    expect(drill.samples.some((s) => s.includes("backup\0verify"))).toBe(true);
    expect(drill.samples.some((s) => s.includes("backup\0import-key"))).toBe(true);
    // ...including the short-lived `secret-tool` processes that receive or return the key.
    expect(drill.samples.some((s) => s.startsWith("secret-tool\0"))).toBe(true);
    for (const needle of needles) {
      expect(drill.samples.filter((s) => s.includes(needle))).toEqual([]);
      for (const [name, run] of Object.entries(drill.runs)) {
        if (name === "exportKey") continue;
        expect(run.stdout.includes(needle) || run.stderr.includes(needle), name).toBe(false);
      }
      for (const file of filesUnder(root)) {
        expect(fs.readFileSync(file).includes(Buffer.from(needle)), file).toBe(false);
        expect(fs.readFileSync(file).includes(Buffer.from(key, "base64")), file).toBe(false);
      }
    }
    expect(filesUnder(root).length).toBeGreaterThan(4);
  });
});

// On Linux: on macOS `brain backup` would use the login Keychain, which a test leaves alone.
describe.runIf(ON_LINUX)("without a secret store", () => {
  it("refuses to back up, with the next step, and writes nothing", async () => {
    requireSecretServiceTools();
    const root = tempDir("brain-backup-nokeyring-");
    const db = path.join(root, "brain.db");
    expect((await runBrain(["capture", "a note"], { db })).code).toBe(0);
    // `secret-tool` installed (alone on PATH) but no D-Bus session: not reachable.
    const bin = path.join(root, "bin");
    fs.mkdirSync(bin);
    fs.symlinkSync(toolPath("secret-tool")!, path.join(bin, "secret-tool"));
    const env = {
      BRAIN_BACKUP_DIR: path.join(root, "backups"),
      BRAIN_OFFSITE_DIR: "",
      DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus",
      DISPLAY: "",
      PATH: bin,
    };
    const noBus = await runBrain(["backup"], { db, env });
    expect(noBus.code).toBe(1);
    expect(noBus.stderr).toMatch(/Secret Service is not reachable.*dbus-run-session/);
    // Without the tool at all (nothing on PATH), the refusal says how to install it.
    const noTool = await runBrain(["backup", "--json"], {
      db,
      env: { ...env, PATH: path.join(root, "empty") },
    });
    expect(noTool.code).toBe(1);
    expect(noTool.stderr).toMatch(/secret-tool.*not installed.*apt-get install/);
    expect(noTool.stdout).toBe("");
    expect(fs.existsSync(path.join(root, "backups"))).toBe(false);
    const exportKey = await runBrain(["backup", "export-key"], { db, env });
    expect(exportKey.code).toBe(1);
    expect(exportKey.stdout).toBe("");
  });
});
