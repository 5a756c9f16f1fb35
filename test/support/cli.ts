import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
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
  const run = startProcess(process.execPath, args, options.env);
  run.child.stdin.on("error", () => {});
  run.child.stdin.end(options.input ?? "");
  return run.done;
}

/** A child process started by `startProcess`: what it has printed so far, and its end. */
export interface LiveRun {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  /** Settles once it has exited and its output is closed. */
  done: Promise<CliRun>;
}

/**
 * Starts `command` from the project's folder with a clean environment plus `env`, collecting its
 * output as it comes (for tests that act while it runs: a signal, input, a poll).
 *
 * @example
 * const run = startProcess(process.execPath, [BRAIN_BIN, "ask", "billing"], { BRAIN_DB: db });
 * await expect.poll(() => run.stdout).toBe("Billing ");
 */
export function startProcess(command: string, args: string[], env: Record<string, string> = {}): LiveRun {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...cleanEnv(), ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const run: LiveRun = { child, stdout: "", stderr: "", done: Promise.resolve({} as CliRun) };
  child.stdout.setEncoding("utf8").on("data", (d: string) => (run.stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (run.stderr += d));
  run.done = new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout: run.stdout, stderr: run.stderr }));
  });
  return run;
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
