import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { buildCli, type BundleManifest } from "../scripts/build-cli.ts";
import { BRAIN_BIN, projectVersion, ROOT, runNode } from "./support/cli.ts";
import { tempDir } from "./support/tmp.ts";

const BUILT = new Date("2025-06-01T12:00:00Z");

/**
 * A project folder holding a copy of the real bin/brain.js, a stand-in for the sources and a
 * stand-in bundle built from them, each saying which one ran.
 */
function fakeProject(): { root: string; source: string; manifest: string } {
  const root = tempDir("brain-bundle-");
  fs.mkdirSync(path.join(root, "bin"));
  fs.copyFileSync(BRAIN_BIN, path.join(root, "bin", "brain.js"));
  fs.writeFileSync(path.join(root, "package.json"), '{ "type": "module" }\n');
  const source = path.join(root, "src", "cli", "main.ts");
  fs.mkdirSync(path.dirname(source), { recursive: true });
  const say = (what: string) =>
    `export async function main(argv: string[]): Promise<number> {\n  process.stdout.write(\`${what} \${argv.join(" ")}\`);\n  return 0;\n}\n`;
  fs.writeFileSync(source, say("sources"));
  // A whole second, so the test can put the time back exactly.
  fs.utimesSync(source, BUILT, BUILT);
  const dir = path.join(root, "node_modules", ".cache", "local-brain", "cli");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "main.mjs"), say("bundle").replace(/: string\[\]|: Promise<number>/g, ""));
  const stat = fs.statSync(source);
  const manifest: BundleManifest = {
    entry: "main.mjs",
    inputs: { "src/cli/main.ts": [stat.mtimeMs, stat.size] },
  };
  const manifestPath = path.join(dir, "manifest.json");
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
  return { root, source, manifest: manifestPath };
}

async function whichRuns(root: string): Promise<string> {
  const run = await runNode([path.join(root, "bin", "brain.js"), "boot"]);
  expect(run.stderr).toBe("");
  return run.stdout;
}

describe("bin/brain.js", () => {
  it("runs the bundle only while every file it was built from is unchanged", async () => {
    const { root, source, manifest } = fakeProject();
    expect(await whichRuns(root)).toBe("bundle boot");

    fs.utimesSync(source, BUILT, new Date(BUILT.getTime() - 60_000));
    expect(await whichRuns(root)).toBe("sources boot"); // older counts too: a file put back from elsewhere

    fs.utimesSync(source, BUILT, BUILT);
    expect(await whichRuns(root)).toBe("bundle boot");
    fs.appendFileSync(source, "// edited\n");
    fs.utimesSync(source, BUILT, BUILT);
    expect(await whichRuns(root)).toBe("sources boot"); // same time, other size

    fs.rmSync(manifest);
    expect(await whichRuns(root)).toBe("sources boot");
  });

  it("builds the bundle on its first run when there is none, and runs it from then on", async () => {
    const { root, manifest } = fakeProject();
    fs.rmSync(path.dirname(manifest), { recursive: true });
    // What an install leaves: the builder and esbuild, no bundle (installs run no scripts).
    fs.mkdirSync(path.join(root, "scripts"));
    fs.copyFileSync(path.join(ROOT, "scripts", "build-cli.ts"), path.join(root, "scripts", "build-cli.ts"));
    fs.writeFileSync(path.join(root, "tsconfig.json"), "{}\n");
    fs.symlinkSync(path.join(ROOT, "node_modules", "esbuild"), path.join(root, "node_modules", "esbuild"));
    const debug = { BRAIN_DEBUG: "1" };
    const first = await runNode([path.join(root, "bin", "brain.js"), "boot"], { env: debug });
    expect(first.stdout).toBe("sources boot"); // the sources' own code, bundled
    const built = JSON.parse(fs.readFileSync(manifest, "utf8")) as BundleManifest;
    const entry = path.join(path.dirname(manifest), built.entry);
    expect(first.stderr).toBe(`brain: running the bundled command line ${entry}\n`);
    const second = await runNode([path.join(root, "bin", "brain.js"), "boot"], { env: debug });
    expect(second.stderr).toBe(`brain: running the bundled command line ${entry}\n`);
  });

  it("runs the sources when an input of the bundle is gone", async () => {
    const { root, manifest } = fakeProject();
    const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as BundleManifest;
    parsed.inputs["src/core/removed.ts"] = [1, 1];
    fs.writeFileSync(manifest, JSON.stringify(parsed));
    expect(await whichRuns(root)).toBe("sources boot");
  });
});

describe("the bundled command line (scripts/build-cli.ts)", () => {
  const outDir = path.join(ROOT, "node_modules", ".cache", "local-brain", `cli-test-${process.pid}`);
  afterEach(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it("lists its inputs as they are now, and runs like the sources", async () => {
    // Files of earlier builds: a running `brain mcp` may still load one, so only old ones go.
    fs.mkdirSync(outDir, { recursive: true });
    const recent = path.join(outDir, "chunk-RECENT.mjs");
    const old = path.join(outDir, "chunk-OLD.mjs");
    fs.writeFileSync(recent, "");
    fs.writeFileSync(old, "");
    fs.utimesSync(old, new Date(), new Date(Date.now() - 8 * 86_400_000));
    const built = await buildCli(outDir);
    expect(built).not.toBeNull();
    expect([fs.existsSync(recent), fs.existsSync(old)]).toEqual([true, false]);
    const manifest = JSON.parse(
      fs.readFileSync(path.join(outDir, "manifest.json"), "utf8"),
    ) as BundleManifest;
    for (const file of [
      "src/cli/main.ts",
      "src/cli/commands/boot.ts",
      "src/core/graph/boot.ts",
      "tsconfig.json",
    ]) {
      const stat = fs.statSync(path.join(ROOT, file));
      expect(manifest.inputs[file]).toEqual([stat.mtimeMs, stat.size]);
    }
    expect(Object.keys(manifest.inputs).some((file) => file.includes("node_modules"))).toBe(false);

    const db = path.join(tempDir(), "brain.db");
    const run = (...args: string[]) =>
      runNode(
        [
          "--input-type=module",
          "-e",
          `const { main } = await import(${JSON.stringify(pathToFileURL(built!.entry).href)});
           process.exitCode = await main(process.argv.slice(1));`,
          ...args,
        ],
        { env: { BRAIN_DB: db } },
      );
    expect((await run("capture", "we chose Postgres for billing #billing")).code).toBe(0);
    const boot = await run("boot");
    expect(boot.stdout).toContain("#billing (1)");
    // Files found next to a module (the launchd templates, bin/brain.js) are the project's own.
    const jobs = await run("jobs", "install", "--dry-run", "--scheduler", "launchd", "--json");
    expect(jobs.stderr).toBe("");
    expect(jobs.stdout).toContain(JSON.stringify(BRAIN_BIN));
    // The version is read from the project's package.json, wherever the code runs from.
    expect((await run("version")).stdout).toBe(`${projectVersion()}\n`);
  });
});
