import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrain } from "../src/core/brain.ts";
import type { BrainConfig } from "../src/core/base/config.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { buildExtension, manifestCommands, manifestTools, ROOT } from "./support/raycast-build.ts";
import { testConfig } from "./support/tmp.ts";

// The built extension, not its sources: each command's `ray build` bundle is loaded in Node with the
// @raycast/api double standing in, against a real database, so a failure only a bundle has
// (import.meta.url empty, a file missing, a native path wrong) fails here. On Linux the Linux
// prebuilt binaries are handed over through the assets folder, the way the Mac ones are.

// The invocations of the OS secret stores (src/core/adapters/keychain.ts, secret-service.ts).
// Raycast rejects extensions that read the Keychain; only the `brain` command line may.
const SECRET_STORE_INVOCATIONS = [
  "find-generic-password",
  "add-generic-password",
  "delete-generic-password",
  "secret-tool",
];

let built: string;
let ext: string;
let ollama: FakeOllamaServer;
let config: BrainConfig;

beforeAll(async () => {
  built = await buildExtension();
  // Made here rather than with tempDir (removed after each test): every test uses it.
  ext = fs.mkdtempSync(path.join(os.tmpdir(), "brain-ext-"));
  fs.cpSync(built, ext, { recursive: true });
  await installDouble(ext);
  handOverNatives(path.join(ext, "assets", "native", `${process.platform}-${process.arch}`));
  ollama = await FakeOllamaServer.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "brain-ext-db-"));
  config = testConfig({ ollamaHost: ollama.url, dbPath: path.join(dir, "brain.db") });
  const brain = createBrain(config);
  brain.entries.capture({ text: "Billing decision: we moved billing to Stripe in March #decision" });
  brain.entries.capture({ text: "The cat's name is Miso" });
  brain.entries.capture({ text: "Stripe billing account recovery code 4471 #private" });
  await brain.embed();
  brain.close();
}, 300_000);

afterAll(async () => {
  await ollama?.close();
  for (const dir of [built, ext, config && path.dirname(config.dbPath)])
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** node_modules/@raycast/api in the extension folder: the double as one CommonJS file. */
async function installDouble(dir: string): Promise<void> {
  const api = path.join(dir, "node_modules", "@raycast", "api");
  await build({
    entryPoints: [path.join(ROOT, "test", "support", "raycast-api", "bundle-entry.tsx")],
    bundle: true,
    platform: "node",
    format: "cjs",
    jsx: "automatic",
    external: ["react", "react/*", "react-test-renderer"],
    outfile: path.join(api, "index.js"),
    logLevel: "error",
  });
  for (const name of ["react", "react-test-renderer", "scheduler", "react-is"]) {
    const from = path.join(ROOT, "node_modules", name);
    if (fs.existsSync(from)) fs.symlinkSync(from, path.join(dir, "node_modules", name), "dir");
  }
}

function handOverNatives(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const modules = path.join(ROOT, "node_modules");
  fs.copyFileSync(
    path.join(modules, "better-sqlite3", "prebuilds", `${process.platform}-${process.arch}.node`),
    path.join(dir, "better_sqlite3.node"),
  );
  fs.copyFileSync(
    path.join(modules, `sqlite-vec-${process.platform}-${process.arch}`, "vec0.so"),
    path.join(dir, "vec0.so"),
  );
}

interface Seen {
  texts: string[];
  huds: string[];
  toasts: { style: string; title: string; message?: string }[];
}

function runBundle(
  name: string,
  mode: "view" | "no-view" | "tool",
  setup: Record<string, unknown>,
): Promise<Seen & { output: string }> {
  const node = path.join(ROOT, "node_modules", ".bin", "node");
  const script = path.join(ROOT, "test", "support", "run-bundle.cjs");
  const input = JSON.stringify({ preferences: { dbPath: config.dbPath, ollamaHost: ollama.url }, ...setup });
  return new Promise((resolve, reject) => {
    execFile(node, [script, ext, name, mode, input], { cwd: ext, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${name}.js failed: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as Seen & { output: string });
    });
  });
}

describe("the built extension (ray build)", () => {
  it("has one bundle per command in the manifest, and no About command", () => {
    const bundles = fs
      .readdirSync(built)
      .filter((f) => f.endsWith(".js"))
      .sort();
    expect(bundles).toEqual(
      manifestCommands()
        .map((name) => `${name}.js`)
        .sort(),
    );
    expect(manifestCommands()).not.toContain("about");
  });

  it("has one bundle per AI tool in tools/, and the manifest each tool's input and confirmation", () => {
    const bundles = fs
      .readdirSync(path.join(built, "tools"))
      .filter((f) => f.endsWith(".js"))
      .sort();
    expect(bundles).toEqual(
      manifestTools()
        .map((name) => `${name}.js`)
        .sort(),
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(built, "package.json"), "utf8")) as {
      tools: { name: string; confirmation: boolean; input: { required: string[] } }[];
    };
    const tools = manifest.tools.map((t) => [t.name, t.confirmation, t.input.required]);
    expect(tools).toEqual([
      ["search-memory", false, ["query"]],
      ["get-memory", false, ["id"]],
      ["recent-memories", false, []],
      ["related-memories", false, ["target"]],
      ["remember", true, ["text"]],
      ["forget", true, ["id"]],
    ]);
  });

  it.each([...manifestCommands(), ...manifestTools().map((name) => `tools/${name}`)])(
    "%s cannot reach the Keychain or the Secret Service",
    (name) => {
      const bundle = fs.readFileSync(path.join(built, `${name}.js`), "utf8");
      expect(SECRET_STORE_INVOCATIONS.filter((word) => bundle.includes(word))).toEqual([]);
    },
  );
});

describe("the built extension, run in Node", () => {
  it("search-brain.js lists the memories from the real database", async () => {
    const seen = await runBundle("search-brain", "view", { root: "List" });
    expect(seen.texts).toContain("Billing decision: we moved billing to Stripe in March #decision");
    expect(seen.texts).toContain("The cat's name is Miso");
  });

  it("tools/search-memory.js answers from the real database, the private memory withheld", async () => {
    const { output } = await runBundle("search-memory", "tool", { input: { query: "stripe billing" } });
    expect(output).toContain("Billing decision: we moved billing to Stripe in March #decision");
    expect(output).not.toContain("4471");
    expect(output).toContain("Note: 1 private memory withheld.");
  });

  it("capture-thought.js shows its form", async () => {
    const seen = await runBundle("capture-thought", "view", { root: "Form" });
    expect(seen.texts).toContain("Save Thought");
  });

  it("quick-capture.js saves its argument", async () => {
    const seen = await runBundle("quick-capture", "no-view", {
      arguments: { text: "From the built bundle" },
    });
    expect(seen.huds).toHaveLength(1);
    expect(seen.huds[0]).toContain("Typed: From the built bundle");
  });

  it("ask-brain.js answers from the memories with the fake Ollama", async () => {
    ollama.replyWith(["We moved billing to Stripe [1]."]);
    const seen = await runBundle("ask-brain", "view", {
      root: "Detail",
      arguments: { question: "what did we decide about billing and Stripe?" },
    });
    expect(seen.texts.some((t) => t.includes("We moved billing to Stripe"))).toBe(true);
  });

  it("brain-status.js reads the database with sqlite-vec loaded from the assets", async () => {
    const seen = await runBundle("brain-status", "view", { root: "MenuBarExtra" });
    expect(seen.texts).toContain("4 entries");
    expect(seen.texts).toContain("sqlite-vec: loaded");
  });
});
