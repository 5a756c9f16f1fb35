import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The commands in package.json, each built to `<name>.js`. */
export function manifestCommands(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    commands: { name: string }[];
  };
  return manifest.commands.map((c) => c.name);
}

/** The AI tools in package.json, each built to `tools/<name>.js`. */
export function manifestTools(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    tools?: { name: string }[];
  };
  return (manifest.tools ?? []).map((t) => t.name);
}

let built: Promise<string> | undefined;

/**
 * Builds the extension with `ray build` (offline), once per test file, into a temporary folder,
 * and returns that folder: one `<command>.js` bundle per command, plus `assets/` and the manifest.
 *
 * @example
 * const dir = await buildExtension();
 * fs.readFileSync(path.join(dir, "search-brain.js"), "utf8");
 */
export function buildExtension(): Promise<string> {
  built ??= new Promise((resolve, reject) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "brain-ray-build-"));
    const ray = path.join(ROOT, "node_modules", ".bin", "ray");
    const env = { ...process.env, PATH: `${path.join(ROOT, "node_modules", ".bin")}:${process.env.PATH}` };
    execFile(
      ray,
      ["build", "-e", "dist", "-o", out],
      { cwd: ROOT, env, timeout: 300_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`ray build failed:\n${stdout}\n${stderr}`));
        else resolve(out);
      },
    );
  });
  return built;
}
