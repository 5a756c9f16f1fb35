import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BrainStatusMenu } from "../src/commands/brain-status.tsx";
import { createBrain } from "../src/core/brain.ts";
import type { BrainConfig } from "../src/core/base/config.ts";
import { FakeLaunchd } from "./support/fake-launchd.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { renderCommand } from "./support/raycast-api/render.tsx";
import { raycast, resetRaycast } from "./support/raycast-api/state.ts";
import { ROOT } from "./support/raycast-build.ts";
import { tempDir, testConfig } from "./support/tmp.ts";

// An older Mac cannot load sqlite-vec's binary (its minimum macOS is 14.0 on arm64, 15.0 on x64).
// Here a file that is not a loadable library fails the same way, inside db.loadExtension.
let ollama: FakeOllamaServer;
let config: BrainConfig;
let brokenVec: string;

beforeEach(async () => {
  resetRaycast();
  ollama = await FakeOllamaServer.start();
  const dir = tempDir();
  brokenVec = path.join(dir, "vec0.so");
  fs.writeFileSync(brokenVec, "not a shared library");
  config = testConfig({ ollamaHost: ollama.url, embedModel: "mxbai-embed-large" });
});

afterEach(async () => {
  await ollama.close();
});

const NOTES = [
  "Switched the team to pnpm #tooling",
  "Lunch at the noodle place",
  "Backups go to iCloud Drive",
];

describe("when sqlite-vec cannot load", () => {
  it("the database opens, keyword search works and meaning search ranks as with sqlite-vec", async () => {
    const broken = createBrain({ ...config, native: { sqliteVec: brokenVec } });
    try {
      for (const text of NOTES) broken.entries.capture({ text });
      const status = broken.status();
      expect(status.sqlite_vec.loaded).toBe(false);
      expect(status.sqlite_vec.error).toContain(brokenVec);
      expect((await broken.search("noodle", { mode: "keyword" })).results.map((r) => r.text)).toEqual([
        "Lunch at the noodle place",
      ]);
      expect((await broken.embed()).embedded).toBe(3);
      const without = await broken.search("team pnpm tooling", { mode: "semantic" });
      expect(without.notices).toEqual([]);
      broken.close();
      const working = createBrain(config);
      expect(working.status().sqlite_vec).toEqual({ loaded: true });
      const withVec = await working.search("team pnpm tooling", { mode: "semantic" });
      working.close();
      expect(without.results.map((r) => r.id)).toEqual(withVec.results.map((r) => r.id));
      expect(without.results[0]!.similarity).toBeCloseTo(withVec.results[0]!.similarity!, 5);
    } finally {
      broken.close();
    }
  });

  it("Brain Status says meaning search runs without sqlite-vec, and why", async () => {
    const assets = tempDir();
    const native = path.join(assets, "native", `${process.platform}-${process.arch}`);
    fs.mkdirSync(native, { recursive: true });
    fs.copyFileSync(
      path.join(
        ROOT,
        "node_modules",
        "better-sqlite3",
        "prebuilds",
        `${process.platform}-${process.arch}.node`,
      ),
      path.join(native, "better_sqlite3.node"),
    );
    fs.copyFileSync(brokenVec, path.join(native, "vec0.so"));
    raycast.environment.assetsPath = assets;
    raycast.preferences = { dbPath: config.dbPath, ollamaHost: ollama.url };
    const home = tempDir();
    const launchd = new FakeLaunchd(home, path.join(home, "logs"));
    const s = await renderCommand(<BrainStatusMenu jobs={() => launchd.control()} background={false} />);
    await s.waitFor(() => s.one("MenuBarExtra").props.isLoading === false, "the status");
    const item = s.one("MenuBarExtra.Item", { title: "Meaning search without sqlite-vec (slower)" });
    expect(item.props.tooltip).toContain(path.join(native, "vec0.so"));
    expect(s.texts()).toContain("sqlite-vec: not loaded, meaning search uses a slower built-in cosine");
    await s.unmount();
  });
});
