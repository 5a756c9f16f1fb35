import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BrainStatusMenu } from "../src/commands/brain-status.tsx";
import { backupFileName } from "../src/core/backup/files.ts";
import { createBrain } from "../src/core/brain.ts";
import type { BrainConfig } from "../src/core/base/config.ts";
import { configFromPreferences } from "../src/helpers/config.ts";
import { FakeLaunchd } from "./support/fake-launchd.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { renderCommand, type Screen } from "./support/raycast-api/render.tsx";
import { lastToast, raycast, resetRaycast } from "./support/raycast-api/state.ts";
import { tempDir, testConfig } from "./support/tmp.ts";
import { closedPort } from "./support/net.ts";

let config: BrainConfig;
let ollama: FakeOllamaServer;
let launchd: FakeLaunchd;
let screen: Screen | undefined;

beforeEach(async () => {
  resetRaycast();
  ollama = await FakeOllamaServer.start();
  config = testConfig({ ollamaHost: ollama.url });
  raycast.preferences = { dbPath: config.dbPath, ollamaHost: ollama.url };
  const jobsHome = tempDir();
  launchd = new FakeLaunchd(jobsHome, path.join(jobsHome, "logs"));
  const brain = createBrain(config);
  brain.entries.capture({ text: "one" });
  brain.entries.capture({ text: "two" });
  brain.close();
});

afterEach(async () => {
  await screen?.unmount();
  screen = undefined;
  await ollama.close();
});

/** The configuration the preferences lead to (the same rules the CLI and the jobs use). */
function prefsConfig(): BrainConfig {
  return configFromPreferences(
    { dbPath: config.dbPath },
    { assetsPath: "/x", platform: "linux", arch: "x64", env: {} },
  );
}

async function open(background = false): Promise<Screen> {
  screen = await renderCommand(
    <BrainStatusMenu jobs={() => launchd.control()} background={background} pollMs={5} followMs={10_000} />,
  );
  await screen.waitFor(() => screen!.one("MenuBarExtra").props.isLoading === false, "the status");
  return screen;
}

const item = (s: Screen, prefix: string) =>
  s.all("MenuBarExtra.Item").find((n) => String(n.props.title).startsWith(prefix));

async function runItem(s: Screen, title: string): Promise<void> {
  await s.run(title);
  await s.waitFor(() => s.one("MenuBarExtra").props.isLoading === false, `${title} to finish`);
}

function installBoth() {
  launchd.install("embed", {
    lines: ['{"event":"progress","done":2,"total":2}', '{"event":"done","embedded":2}'],
    exit: 0,
    prints: 20,
  });
  launchd.install("backup", {
    lines: [
      '{"event":"sealed","file":"x"}',
      '{"event":"offsite_failed","message":"Operation not permitted"}',
    ],
    exit: 1,
  });
}

describe("Brain Status", () => {
  it("shows the entries, the embeddings waiting, no backup yet (a warning) and Ollama reachable", async () => {
    installBoth();
    const s = await open();
    expect(item(s, "2 entries")!.props.title).toBe("2 entries");
    expect(item(s, "2 waiting for embeddings")!.props.title).toBe("2 waiting for embeddings");
    expect(item(s, "No backup yet")!.props.icon).toMatchObject({ source: "Warning" });
    expect(item(s, "Ollama reachable")!.props.icon).toBe("CheckCircle");
    expect(s.one("MenuBarExtra").props.tooltip).toBe("Local Brain needs attention");
  });

  it("warns when the last backup is older than two days", async () => {
    const backupDir = prefsConfig().backupDir;
    fs.mkdirSync(backupDir, { recursive: true });
    const old = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    fs.writeFileSync(path.join(backupDir, backupFileName(old)), "x");
    const s = await open();
    const backup = item(s, "Last backup 3d ago")!;
    expect(backup.props.icon).toMatchObject({ source: "Warning" });
    expect(backup.props.tooltip).toContain("Older than two days");
  });

  it("Embed Now starts the installed job with launchctl kickstart and follows it to the end", async () => {
    installBoth();
    const s = await open();
    const finish = await s.start("Embed Now");
    const running = await s.waitFor(() => item(s, "Embedding running"), "the running job in the menu");
    expect(running.props.tooltip).toBe(path.join(launchd.logDir, "embed.log"));
    await finish();
    await s.waitFor(() => s.one("MenuBarExtra").props.isLoading === false, "the job to end");
    expect(launchd.calls).toContainEqual(["launchctl", "kickstart", "gui/501/com.local-brain.embed"]);
    expect(lastToast()).toMatchObject({ style: "SUCCESS", title: "Embedding finished", message: "done" });
    expect(ollama.requestsTo("/api/embed")).toHaveLength(0);
  });

  it("Back Up Now starts the backup job; its failure is a toast with the log's last line", async () => {
    installBoth();
    const s = await open();
    await runItem(s, "Back Up Now");
    expect(launchd.calls).toContainEqual(["launchctl", "kickstart", "gui/501/com.local-brain.backup"]);
    expect(lastToast()).toMatchObject({ style: "FAILURE", title: "Backup failed (exit 1)" });
    expect(lastToast()?.message).toContain("offsite failed: Operation not permitted");
    expect(fs.readdirSync(launchd.logDir)).toEqual(["backup.log"]);
  });

  it("says when the jobs are not installed, with an action that copies the install command", async () => {
    const s = await open();
    expect(item(s, "Background jobs not installed")!.props.tooltip).toContain("npx brain jobs install");
    expect(s.actionTitles()).not.toContain("Back Up Now");
    await s.run("Copy Install Command");
    expect(raycast.copied).toEqual(["npx brain jobs install"]);
  });

  it("turns Ollama down into a line with the fix", async () => {
    raycast.preferences = { dbPath: config.dbPath, ollamaHost: `http://127.0.0.1:${await closedPort()}` };
    const s = await open();
    expect(item(s, "Ollama not reachable")!.props.tooltip).toContain("Start Ollama: `ollama serve`.");
  });

  it("shows where the memory is stored, and copies the database path", async () => {
    const s = await open();
    const db = item(s, "Database: ")!;
    expect(db.props.title).toBe(`Database: ${config.dbPath}`);
    expect(item(s, "sqlite-vec: ")!.props.title).toBe("sqlite-vec: loaded");
    await s.run(`Database: ${config.dbPath}`);
    expect(raycast.copied).toEqual([config.dbPath]);
  });

  it("lists the iCloud Drive folder only when opened by the person, never in the background", async () => {
    const offsiteDir = path.join(tempDir(), "Mobile Documents");
    raycast.preferences = { dbPath: config.dbPath, ollamaHost: ollama.url };
    process.env.BRAIN_OFFSITE_DIR = offsiteDir;
    try {
      fs.mkdirSync(offsiteDir, { recursive: true });
      const backupDir = prefsConfig().backupDir;
      fs.mkdirSync(backupDir, { recursive: true });
      const name = backupFileName(new Date());
      fs.writeFileSync(path.join(backupDir, name), "x");
      fs.writeFileSync(path.join(offsiteDir, name), "x");
      const s = await open(true);
      expect(item(s, "Last backup")!.props.tooltip).not.toContain("copied offsite");
      await screen!.unmount();
      const t = await open(false);
      expect(item(t, "Last backup")!.props.tooltip).toContain("copied offsite");
    } finally {
      delete process.env.BRAIN_OFFSITE_DIR;
    }
  });
});
