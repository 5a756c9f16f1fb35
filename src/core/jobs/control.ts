import fs from "node:fs";
import path from "node:path";
import { BrainError } from "../base/index.ts";
import type { CommandRunner } from "./runner.ts";
import { readLogInfo, type JobName, type LogInfo } from "./shared.ts";

/**
 * Starting an installed launchd job now and reading how it is doing, for the Raycast menu bar.
 * Raycast never runs the embedder or the backup itself (the backup needs the Keychain, which an
 * extension must not touch): it asks launchd to start the job at once, as its schedule would.
 * Everything goes through the `CommandRunner` port, so tests answer for `launchctl`.
 */

/** The launchd labels; each plist is `~/Library/LaunchAgents/<label>.plist`. */
export const LAUNCHD_LABELS: Record<JobName, string> = {
  embed: "com.local-brain.embed",
  backup: "com.local-brain.backup",
};

/** What installs the jobs, run in the Local Brain folder. */
export const JOBS_INSTALL_COMMAND = "npx brain jobs install";

/** Where the jobs live for one user: the runner for `launchctl`, the user id and folders. */
export interface JobControl {
  runner: CommandRunner;
  uid: number;
  home: string;
  /** The jobs' log folder (`BrainConfig.logDir`). */
  logDir: string;
}

/** One job as the menu shows it. */
export interface JobProgress {
  name: JobName;
  label: string;
  /** The plist is in ~/Library/LaunchAgents. */
  installed: boolean;
  /** launchd has it loaded. */
  loaded: boolean;
  /** It is running now. */
  running: boolean;
  /** The last finished run's exit code; null when it never finished one. */
  lastExitCode: number | null;
  log: LogInfo;
  /** The log's last line in words: "embedding 40/120", "done", "offsite copy failed: …". */
  activity: string | null;
}

export interface LaunchctlPrint {
  state: string | null;
  runs: number | null;
  /** null while the job has never exited (`last exit code = (never exited)`). */
  lastExitCode: number | null;
}

/**
 * Reads the lines that matter from `launchctl print gui/<uid>/<label>`:
 * `state = not running`, `runs = 3`, `last exit code = 78: EX_CONFIG`.
 *
 * @example
 * parseLaunchctlPrint("\tstate = not running\n\truns = 2\n\tlast exit code = 0\n");
 * // { state: "not running", runs: 2, lastExitCode: 0 }
 */
export function parseLaunchctlPrint(text: string): LaunchctlPrint {
  const field = (key: string): string | null => {
    const match = new RegExp(`^\\s*${key} = (.+)$`, "m").exec(text);
    return match?.[1]?.trim() ?? null;
  };
  const runs = field("runs");
  const exit = /^(-?\d+)/.exec(field("last exit code") ?? "");
  return {
    state: field("state"),
    runs: runs !== null && /^\d+$/.test(runs) ? Number(runs) : null,
    lastExitCode: exit?.[1] !== undefined ? Number(exit[1]) : null,
  };
}

/** `gui/<uid>/<label>`: the job in the person's login session. */
export function launchdTarget(uid: number, name: JobName): string {
  return `gui/${uid}/${LAUNCHD_LABELS[name]}`;
}

/**
 * The job's state now: installed, loaded, running, its last exit code and its log's last line.
 *
 * @example
 * const job = await readJob({ runner: createProcessRunner(), uid: 501, home, logDir }, "backup");
 * job.running; // true while the backup runs
 */
export async function readJob(ctl: JobControl, name: JobName): Promise<JobProgress> {
  const label = LAUNCHD_LABELS[name];
  const installed = fs.existsSync(path.join(ctl.home, "Library", "LaunchAgents", `${label}.plist`));
  const printed = await ctl.runner.run("launchctl", ["print", launchdTarget(ctl.uid, name)]);
  const state = printed.code === 0 ? parseLaunchctlPrint(printed.stdout) : null;
  const log = readLogInfo(path.join(ctl.logDir, `${name}.log`));
  return {
    name,
    label,
    installed,
    loaded: state !== null,
    running: state?.state === "running",
    lastExitCode: state?.lastExitCode ?? null,
    log,
    activity: describeLogLine(log.lastLine),
  };
}

/**
 * Starts the installed job now (`launchctl kickstart gui/<uid>/<label>`), as its schedule would.
 * A job that is not installed or not loaded is an error whose hint is the install command.
 *
 * @example
 * await startJob(ctl, "backup"); // the backup runs in its own `brain backup` process
 */
export async function startJob(ctl: JobControl, name: JobName): Promise<JobProgress> {
  const before = await readJob(ctl, name);
  if (!before.installed || !before.loaded) throw notInstalled(name);
  const result = await ctl.runner.run("launchctl", ["kickstart", launchdTarget(ctl.uid, name)]);
  if (result.code !== 0) {
    throw new BrainError(
      "jobs_failed",
      `launchd did not start the ${name} job (exit ${result.code}): ${(result.stderr || result.stdout).trim()}`,
      { hint: `Check it with \`brain jobs status\`, or install it again with \`${JOBS_INSTALL_COMMAND}\`.` },
    );
  }
  return readJob(ctl, name);
}

function notInstalled(name: JobName): BrainError {
  const what = name === "embed" ? "background embedder" : "daily backup";
  return new BrainError("jobs_failed", `The ${what} job is not installed.`, {
    hint: `Install the background jobs with \`${JOBS_INSTALL_COMMAND}\` in the Local Brain folder.`,
  });
}

/**
 * A job log line (one JSON object per event) in a few words; other lines as they are.
 *
 * @example
 * describeLogLine('{"event":"progress","done":40,"total":120}'); // "embedding 40/120"
 */
export function describeLogLine(line: string | null): string | null {
  if (line === null) return null;
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.length > 120 ? `${line.slice(0, 119)}…` : line;
  }
  switch (event.event) {
    case "progress":
      return `embedding ${String(event.done)}/${String(event.total)}`;
    case "offsite_failed":
    case "error":
    case "skipped":
      return `${String(event.event).replace("_", " ")}: ${String(event.message ?? event.reason ?? "")}`;
    default:
      return typeof event.event === "string" ? event.event : line;
  }
}
