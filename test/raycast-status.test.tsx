import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BrainStatusMenu } from "../src/commands/brain-status.tsx";
import { listBackups } from "../src/core/backup.ts";
import { backupFileName } from "../src/core/backup-files.ts";
import { createBrain } from "../src/core/brain.ts";
import { BrainError } from "../src/core/errors.ts";
import type { BrainConfig } from "../src/core/config.ts";
import { configFromPreferences } from "../src/helpers/config.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { renderCommand, type Screen } from "./support/raycast-api/render.tsx";
import { lastToast, raycast, resetRaycast } from "./support/raycast-api/state.ts";
import { testConfig } from "./support/tmp.ts";
import { closedPort } from "./support/net.ts";

let config: BrainConfig;
let ollama: FakeOllamaServer;
let secrets: MemorySecretStore;
let screen: Screen | undefined;

beforeEach(async () => {
  resetRaycast();
  ollama = await FakeOllamaServer.start();
  config = testConfig({ ollamaHost: ollama.url });
  raycast.preferences = { dbPath: config.dbPath, ollamaHost: ollama.url };
  secrets = new MemorySecretStore();
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

/** The backup folder the preferences lead to (the same rule the CLI and the job use). */
function backupDir(): string {
  return configFromPreferences(
    { dbPath: config.dbPath },
    { assetsPath: "/x", platform: "linux", arch: "x64", env: {} },
  ).backupDir;
}

async function open(): Promise<Screen> {
  screen = await renderCommand(<BrainStatusMenu secrets={() => secrets} />);
  await screen.waitFor(() => screen!.one("MenuBarExtra").props.isLoading === false, "the status");
  return screen;
}

const item = (s: Screen, prefix: string) =>
  s.all("MenuBarExtra.Item").find((n) => String(n.props.title).startsWith(prefix));

async function runItem(s: Screen, title: string): Promise<void> {
  await s.run(title);
  await s.waitFor(() => s.one("MenuBarExtra").props.isLoading === false, `${title} to finish`);
}

describe("Brain Status", () => {
  it("shows the entries, the embeddings waiting, no backup yet (a warning) and Ollama reachable", async () => {
    const s = await open();
    expect(item(s, "2 entries")).toBeDefined();
    expect(item(s, "2 waiting for embeddings")).toBeDefined();
    expect(item(s, "No backup yet")!.props.icon).toMatchObject({ source: "Warning" });
    expect(item(s, "Ollama reachable")).toBeDefined();
    expect(s.one("MenuBarExtra").props.tooltip).toBe("Local Brain needs attention");
  });

  it("warns when the last backup is older than two days", async () => {
    fs.mkdirSync(backupDir(), { recursive: true });
    const old = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    fs.writeFileSync(path.join(backupDir(), backupFileName(old)), "x");
    const s = await open();
    const backup = item(s, "Last backup 3d ago")!;
    expect(backup.props.icon).toMatchObject({ source: "Warning" });
    expect(backup.props.tooltip).toContain("Older than two days");
  });

  it("runs the embedder now and shows nothing waiting afterwards", async () => {
    const s = await open();
    await runItem(s, "Embed Now");
    expect(lastToast()).toMatchObject({
      style: "SUCCESS",
      title: "Embedded 2 memories",
      message: "0 still waiting",
    });
    await s.waitFor(() => item(s, "0 waiting for embeddings"), "the new count");
    expect(ollama.requestsTo("/api/embed").length).toBeGreaterThan(0);
  });

  it("backs up now: an encrypted backup appears and the warning goes away", async () => {
    const s = await open();
    await runItem(s, "Back Up Now");
    expect(lastToast()).toMatchObject({ style: "SUCCESS", title: "Backed up 2 entries" });
    const backups = await listBackups({ ...config, backupDir: backupDir() });
    expect(backups).toHaveLength(1);
    await s.waitFor(() => item(s, "Last backup just now"), "the new backup");
    expect(item(s, "Last backup just now")!.props.icon).toBe("CheckCircle");
  });

  it("turns a locked keyring and Ollama down into a toast and a line with the fix", async () => {
    secrets.failure = new BrainError("secret_store_unavailable", "The keyring is locked.", {
      hint: "Unlock the keyring, then try again.",
    });
    raycast.preferences = { dbPath: config.dbPath, ollamaHost: `http://127.0.0.1:${await closedPort()}` };
    const s = await open();
    expect(item(s, "Ollama not reachable")!.props.tooltip).toContain("Start Ollama: `ollama serve`.");
    await runItem(s, "Back Up Now");
    expect(lastToast()).toMatchObject({
      style: "FAILURE",
      title: "Backup failed",
      message: "The keyring is locked. Unlock the keyring, then try again.",
    });
    await runItem(s, "Embed Now");
    expect(lastToast()).toMatchObject({ style: "FAILURE" });
    expect(lastToast()?.message).toContain("ollama serve");
  });
});
