import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BRAIN_BIN = path.join(ROOT, "bin", "brain.js");

/** The version in the project's package.json. */
export function projectVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string })
    .version;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `brain` command in a child process (this Node, the project's bin script).
 *
 * @example
 * const { code, stdout } = await runBrain(["search", "pnpm", "--json"], { db });
 */
export function runBrain(
  args: string[],
  options: { db?: string; input?: string | Buffer; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return runNode([BRAIN_BIN, ...args], {
    ...options,
    env: { ...(options.db ? { BRAIN_DB: options.db } : {}), ...options.env },
  });
}

/** Runs a script with the project's Node in a child process and collects its output. */
export function runNode(
  args: string[],
  options: { input?: string | Buffer; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...cleanEnv(), ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** The environment without anything that would point a child at a real user's brain or Ollama. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("BRAIN_") && k !== "OLLAMA_HOST") env[k] = v;
  }
  env.OLLAMA_HOST = "http://127.0.0.1:9";
  return env;
}
