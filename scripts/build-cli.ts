// Bundles the `brain` command line (src/cli/main.ts and everything it imports, commands included)
// into plain JavaScript, so a run does not pay for loading Node's TypeScript stripper (about 150
// ms of every start). bin/brain.js runs the bundle only while every file it was built from is
// unchanged, and the .ts sources otherwise: an edit never runs old code. bin/brain.js builds it
// on its first run after an install (installs run no scripts: .npmrc); `npm run build:cli`
// rebuilds it by hand.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Where bin/brain.js looks for the bundle. Under node_modules: lint, types and tests leave it alone. */
export const BUNDLE_DIR = path.join(ROOT, "node_modules", ".cache", "local-brain", "cli");

/** Files that shape the bundle without being modules of it. */
const BUILD_INPUTS = ["tsconfig.json", "scripts/build-cli.ts"];

/**
 * How long files of earlier builds stay. A running `brain mcp` loads parts of its build on first
 * use (search, the embedder), maybe long after a rebuild: its files must still be there.
 */
const KEEP_OLD_BUILDS_MS = 7 * 86_400_000;

/**
 * What bin/brain.js reads: the entry file, and each input (a path from the project root) with the
 * mtime and size it had when the build started. Written last, so a half-written bundle is never run.
 */
export interface BundleManifest {
  entry: string;
  inputs: Record<string, [mtimeMs: number, size: number]>;
}

export interface BuildResult {
  outDir: string;
  entry: string;
  inputs: number;
  ms: number;
}

/**
 * Builds the bundle into `outDir` and returns what it wrote, or null when esbuild is not
 * installed (an install without dev dependencies runs the .ts sources). Every file name carries
 * a hash of its content and each file is moved into place in one rename, the manifest that names
 * the entry last: a process starting meanwhile runs the old build or the new one, never a mix.
 *
 * @example
 * const built = await buildCli(); // built.entry: node_modules/.cache/local-brain/cli/main-<hash>.mjs
 */
export async function buildCli(outDir = BUNDLE_DIR): Promise<BuildResult | null> {
  const started = performance.now();
  let esbuild: typeof import("esbuild");
  try {
    esbuild = await import("esbuild");
  } catch {
    return null;
  }
  // Sizes and times from before the build: a file edited while it runs makes the bundle stale.
  const before = statFiles([...sourceFiles(), ...BUILD_INPUTS]);
  // Beside outDir, so paths relative to the output are the same there.
  const temp = `${outDir}.${process.pid}.tmp`;
  fs.rmSync(temp, { recursive: true, force: true });
  try {
    return await buildInto(esbuild, temp, outDir, before, started);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

async function buildInto(
  esbuild: typeof import("esbuild"),
  temp: string,
  outDir: string,
  before: Map<string, [number, number]>,
  started: number,
): Promise<BuildResult> {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: "src/cli/main.ts" },
    outdir: temp,
    bundle: true,
    // Commands stay separate files loaded on first use, as from the sources.
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    // Packages are loaded from node_modules as they are: native addons (better-sqlite3,
    // sqlite-vec) find their files, and an update of a package never leaves the bundle stale.
    packages: "external",
    outExtension: { ".js": ".mjs" },
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    // Maps back to the .ts files, used when BRAIN_DEBUG asks for stack traces.
    sourcemap: "linked",
    sourcesContent: false,
    metafile: true,
    logLevel: "warning",
    plugins: [sourceImportMeta(outDir)],
  });
  const inputs: BundleManifest["inputs"] = {};
  for (const file of [...Object.keys(result.metafile.inputs), ...BUILD_INPUTS]) {
    const stat = before.get(file) ?? statFiles([file]).get(file);
    if (!stat) throw new Error(`${file} is an input of the bundle but does not exist`);
    inputs[file] = stat;
  }
  const names = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const entry = names.find((name) => /^main-\w+\.mjs$/.test(name));
  if (!entry) throw new Error("esbuild wrote no main-<hash>.mjs");
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of names) fs.renameSync(path.join(temp, name), path.join(outDir, name));
  const outputs = names.map((name) => path.join(outDir, name));
  const manifest: BundleManifest = { entry, inputs };
  const manifestPath = path.join(outDir, "manifest.json");
  fs.writeFileSync(`${manifestPath}.${process.pid}`, `${JSON.stringify(manifest, null, 1)}\n`);
  fs.renameSync(`${manifestPath}.${process.pid}`, manifestPath);
  pruneOldBuilds(outDir, new Set([...outputs, manifestPath]));
  return {
    outDir,
    entry: path.join(outDir, entry),
    inputs: Object.keys(inputs).length,
    ms: Math.round(performance.now() - started),
  };
}

/** Removes files of earlier builds once they are a week old. */
function pruneOldBuilds(outDir: string, current: ReadonlySet<string>): void {
  const cutoff = Date.now() - KEEP_OLD_BUILDS_MS;
  for (const name of fs.readdirSync(outDir)) {
    const file = path.join(outDir, name);
    if (!current.has(file) && fs.statSync(file).mtimeMs < cutoff) fs.rmSync(file, { force: true });
  }
}

/**
 * Bundled code runs from the bundle's folder, so a module that finds files next to itself
 * (`import.meta.url`, as src/core/jobs/paths.ts does) gets its own source file's URL instead,
 * written relative to the bundle so the project folder can move.
 */
function sourceImportMeta(outDir: string): Plugin {
  return {
    name: "source-import-meta",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
        const text = fs.readFileSync(args.path, "utf8");
        if (!/\bimport\.meta\.url\b/.test(text)) return undefined;
        const relative = path.relative(outDir, args.path).split(path.sep).join("/");
        const url = `new URL(${JSON.stringify(relative)}, import.meta.url).href`;
        return { contents: text.replace(/\bimport\.meta\.url\b/g, url), loader: "ts" };
      });
    },
  };
}

function sourceFiles(): string[] {
  return fs
    .readdirSync(path.join(ROOT, "src"), { recursive: true, encoding: "utf8" })
    .map((file) => path.posix.join("src", file.split(path.sep).join("/")));
}

function statFiles(files: string[]): Map<string, [number, number]> {
  const stats = new Map<string, [number, number]>();
  for (const file of files) {
    const stat = fs.statSync(path.join(ROOT, file), { throwIfNoEntry: false });
    if (stat?.isFile()) stats.set(file, [stat.mtimeMs, stat.size]);
  }
  return stats;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const built = await buildCli();
    console.log(
      built
        ? `brain: bundled the command line from ${built.inputs} files into ${path.relative(ROOT, built.outDir)} (${built.ms} ms)`
        : "brain: esbuild is not installed, so `brain` runs from the .ts sources (slower to start)",
    );
  } catch (err) {
    console.error(
      `brain: could not bundle the command line: ${err instanceof Error ? err.message : String(err)}`,
    );
    process.exitCode = 1;
  }
}
