/**
 * What the secret store adapters share: running the OS's secret-store command-line tool (with an
 * injectable runner, so tests can stand in for a tool that cannot run here), checking names and
 * secrets, and turning a failed call into `secret_store_unavailable` without leaking the secret.
 */
import { spawn } from "node:child_process";
import { BrainError } from "../base/index.ts";

export interface CommandResult {
  /** Exit status; null when the command did not run or was killed (see `failure`). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Why the command did not run to completion: missing binary, spawn error, or the timeout. */
  failure?: { kind: "missing" | "timeout" | "error"; message: string };
}

export interface RunOptions {
  /** Written to the command's stdin, then stdin is closed. This is how secrets travel. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the command after this long (a keyring waiting for a password prompt never answers). */
  timeoutMs?: number;
}

/** Runs a command without a shell. Never rejects: failures come back in the result. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
  options?: RunOptions,
) => Promise<CommandResult>;

/**
 * The real {@link CommandRunner}: `spawn` without a shell, stdin from `input`, output as UTF-8.
 *
 * @example
 * const { exitCode, stdout } = await runCommand("secret-tool", ["lookup", "service", "s", "account", "a"]);
 */
export const runCommand: CommandRunner = (command, args, options = {}) =>
  new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let failure: CommandResult["failure"];
    let settled = false;
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const timer = options.timeoutMs
      ? setTimeout(() => {
          failure = { kind: "timeout", message: `${command} did not answer within ${options.timeoutMs} ms` };
          child.kill("SIGKILL");
        }, options.timeoutMs)
      : undefined;
    const settle = (exitCode: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ exitCode: failure ? null : exitCode, stdout, stderr, ...(failure ? { failure } : {}) });
    };
    child.stdout.setEncoding("utf8").on("data", (data: string) => (stdout += data));
    child.stderr.setEncoding("utf8").on("data", (data: string) => (stderr += data));
    child.stdin.on("error", () => undefined); // the command may exit without reading its input
    child.on("error", (err: NodeJS.ErrnoException) => {
      failure ??= { kind: err.code === "ENOENT" ? "missing" : "error", message: err.message };
      settle(null);
    });
    child.on("close", (code) => settle(code));
    child.stdin.end(options.input ?? "");
  });

/** Refuses empty names and secrets, which are always a caller's mistake. */
export function checkSecretArgs(service: string, account: string, secret?: string): void {
  const empty = !service ? "service" : !account ? "account" : secret === "" ? "secret" : undefined;
  if (empty) {
    throw new BrainError("bad_input", `A secret store ${empty} must not be empty.`, {
      hint: "Pass a non-empty value.",
    });
  }
}

/** The first line of what a tool said, with the secret (if any) blanked out. */
export function describeFailure(result: CommandResult, secret?: string): string {
  if (result.failure) return result.failure.message;
  const said = (result.stderr.trim() || result.stdout.trim()).split("\n")[0] ?? "";
  const safe = secret ? said.split(secret).join("***") : said;
  return safe ? `${safe} (exit status ${result.exitCode})` : `exit status ${result.exitCode}`;
}

/**
 * The error every adapter throws when its store is missing, locked or unreachable. There is no
 * fallback to a plain file: a person fixes the store, following the hint.
 */
export function storeUnavailable(message: string, hint: string, cause?: unknown): BrainError {
  return new BrainError("secret_store_unavailable", message, { hint, cause });
}
