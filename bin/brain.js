#!/usr/bin/env node
// The `brain` command. Local Brain needs Node 22.22 or later (the Node Raycast runs); when an older
// Node starts this file, it hands over to the Node 22 the project installs, if there is one.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const node = join(root, "node_modules", ".bin", "node");
  if (existsSync(node) && process.env.BRAIN_REEXEC !== "1") {
    const child = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, BRAIN_REEXEC: "1" },
    });
    process.exit(child.status ?? 1);
  }
  process.stderr.write(
    `brain: Node ${process.versions.node} is too old; Local Brain needs Node 22.22 or later. ` +
      "Run `npm install` in the project (it brings Node 22), or install Node 22.\n",
  );
  process.exit(1);
}

const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
