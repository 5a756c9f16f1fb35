import fs from "node:fs";
import path from "node:path";
import type { PermissionStatus } from "../adapters/index.ts";
import { BrainError, makeDirs } from "../base/index.ts";
import type { CommandRunner } from "./runner.ts";

/** The two background jobs: the embedder every 5 minutes and the daily backup. */
export type JobName = "embed" | "backup";
export const JOB_NAMES: readonly JobName[] = ["embed", "backup"];

/** What runs the jobs: launchd on macOS, systemd user timers on Linux. */
export type Scheduler = "launchd" | "systemd";

/** The absolute, checked paths and values a job definition is filled with. */
export interface JobPaths {
  /** A Node >= 22.22 binary. */
  node: string;
  /** The installed project's root folder. */
  root: string;
  /** `<root>/bin/brain.js`, the CLI the jobs run. */
  brain: string;
  /** The database both jobs use (`BRAIN_DB`). */
  db: string;
  /** Where the jobs' logs go. */
  logDir: string;
  /** Ollama's base URL for the embedder (`OLLAMA_HOST`). */
  ollamaHost: string;
  /** The models and backup folders the person configured, so the jobs use the same ones. */
  env: Record<string, string>;
}

/** A file the installer writes or removes. `content` is what is (or would be) written. */
export interface JobFile {
  path: string;
  action: "write" | "remove";
  mode?: number;
  content?: string;
}

/** One command, exactly as run. `mayFail`: a non-zero exit is expected and fine (e.g. not loaded). */
export interface JobCommand {
  argv: string[];
  mayFail?: boolean;
  /** The exit code, once run; absent in a dry run. */
  code?: number;
}

/** What the scheduler and the log say about one job. */
export interface JobState {
  name: JobName;
  /** The launchd label or the systemd timer unit. */
  id: string;
  /** The job's definition file is in place. */
  installed: boolean;
  /** The scheduler has it loaded (launchd) or its timer active (systemd); null when not asked. */
  loaded: boolean | null;
  /** The scheduler's word for it: `running`, `not running`, `active`, `waiting`... */
  state: string | null;
  /** How many times it ran since it was loaded, when the scheduler says. */
  runs: number | null;
  /** The last run's exit code; null when it never finished one. */
  lastExitCode: number | null;
  /** When it last ran, as the scheduler says (systemd) or null. */
  lastRunAt: string | null;
  log: LogInfo;
}

/** The job's log file: when it last changed (roughly when the job last ran) and its last line. */
export interface LogInfo {
  path: string;
  modifiedAt: string | null;
  lastLine: string | null;
  /** The last run's line where the OS refused access (EPERM), else null. */
  denied: string | null;
}

/**
 * Full Disk Access for the launchd jobs' Node binary (macOS): what macOS answers, the job whose
 * last run was refused (EPERM), and the fix.
 */
export interface DiskAccess {
  /** The Node binary the jobs run: the one to add in the pane. */
  node: string;
  /** What the permission port answers ("unknown" when macOS cannot be asked). */
  status: PermissionStatus;
  /** The job whose last run hit EPERM, with that log line. */
  denied: { job: JobName; line: string } | null;
  /** The System Settings pane, as a URL `open` understands, and in words. */
  pane: string;
  paneName: string;
  /** The next step, in one sentence. */
  fix: string;
}

/** What `brain jobs install|uninstall|status` did (or, with --dry-run, would do). */
export interface JobsReport {
  action: "install" | "uninstall" | "status";
  scheduler: Scheduler;
  dryRun: boolean;
  paths: JobPaths;
  files: JobFile[];
  commands: JobCommand[];
  jobs: JobState[];
  notes: string[];
  /** launchd only: Full Disk Access for the jobs' Node, when it is missing or a run hit EPERM. */
  diskAccess: DiskAccess | null;
}

/** Everything a scheduler backend needs; built once by `jobs.ts`. */
export interface JobContext {
  paths: JobPaths;
  runner: CommandRunner;
  dryRun: boolean;
  home: string;
  uid: number;
  env: Record<string, string | undefined>;
  backupAt: { hour: number; minute: number };
}

/** The log file of a job, shared by stdout and stderr. */
export function logPath(paths: JobPaths, name: JobName): string {
  return path.join(paths.logDir, `${name}.log`);
}

/** Writes and removes the report's files, unless it is a dry run. */
export function applyFiles(files: readonly JobFile[], dryRun: boolean): void {
  if (dryRun) return;
  for (const file of files) {
    try {
      if (file.action === "remove") {
        fs.rmSync(file.path, { force: true });
        continue;
      }
      makeDirs(path.dirname(file.path), 0o755);
      fs.writeFileSync(file.path, file.content ?? "", { mode: file.mode ?? 0o644 });
      fs.chmodSync(file.path, file.mode ?? 0o644);
    } catch (err) {
      throw new BrainError("jobs_failed", `Could not ${file.action} ${file.path}: ${String(err)}`, {
        hint: "Check that folder's permissions, or see what would be written with --dry-run.",
        cause: err,
      });
    }
  }
}

/**
 * Runs the commands in order through the runner (none in a dry run), recording each exit code.
 * A command that fails and is not `mayFail` stops the run with a `jobs_failed` error.
 */
export async function runCommands(ctx: JobContext, commands: JobCommand[]): Promise<void> {
  if (ctx.dryRun) return;
  for (const command of commands) {
    const [program = "", ...args] = command.argv;
    const result = await ctx.runner.run(program, args);
    command.code = result.code;
    if (result.code !== 0 && !command.mayFail) {
      const output = (result.stderr || result.stdout).trim();
      throw new BrainError(
        "jobs_failed",
        `\`${command.argv.join(" ")}\` failed (exit ${result.code}): ${output}`,
        {
          hint: "Run `brain jobs status` to see what is loaded, and `brain jobs install --dry-run` to see each step.",
        },
      );
    }
  }
}

/** When the log last changed and its last non-empty line (read from the last 64 KB only). */
export function readLogInfo(file: string): LogInfo {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return { path: file, modifiedAt: null, lastLine: null, denied: null };
  }
  const length = Math.min(stat.size, 65_536);
  const buffer = Buffer.alloc(length);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, buffer, 0, length, stat.size - length);
  } finally {
    fs.closeSync(fd);
  }
  const lines = buffer
    .toString("utf8")
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0);
  const lastLine = lines.at(-1) ?? null;
  return { path: file, modifiedAt: stat.mtime.toISOString(), lastLine, denied: deniedLine(lines) };
}

const DENIED = /\bEPERM\b|operation not permitted/i;
const RUN_START = /^\{"event":"start"[,}]/;

/**
 * The last run's line where the OS refused access: the lines after the last `{"event":"start"`
 * (the backup logs one per run), or only the last line for a log without start lines.
 *
 * @example
 * deniedLine(['{"event":"start"}', "brain: … (EPERM: operation not permitted, open …)"]); // that line
 */
export function deniedLine(lines: readonly string[]): string | null {
  const start = lines.findLastIndex((line) => RUN_START.test(line));
  const lastRun = start === -1 ? lines.slice(-1) : lines.slice(start + 1);
  return lastRun.findLast((line) => DENIED.test(line)) ?? null;
}
