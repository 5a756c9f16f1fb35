import fs from "node:fs";
import os from "node:os";
import { macPermissions, type Permissions } from "../adapters/index.ts";
import { BrainError, makeDirs } from "../base/index.ts";
import { diskAccess, installedJobNode } from "./access.ts";
import { launchdStatus, planLaunchdInstall, planLaunchdUninstall } from "./launchd.ts";
import { resolveJobPaths, type JobConfig } from "./paths.ts";
import { createProcessRunner, createRecordingRunner, type CommandRunner } from "./runner.ts";
import { applyFiles, runCommands, type JobContext, type JobsReport, type Scheduler } from "./shared.ts";
import { afterSystemdUninstall, planSystemdInstall, planSystemdUninstall, systemdStatus } from "./systemd.ts";

export type {
  DiskAccess,
  JobsReport,
  JobState,
  JobFile,
  JobCommand,
  JobPaths,
  Scheduler,
  JobName,
} from "./shared.ts";

export interface JobsOptions {
  /** The database, log folder and Ollama URL the jobs get; the CLI passes its resolved config. */
  config: JobConfig;
  /** Print (return) the files and commands instead of writing and running them. */
  dryRun?: boolean;
  /** launchd or systemd; by default launchd on macOS and systemd elsewhere. */
  scheduler?: Scheduler;
  /** Runs `launchctl` / `systemctl`; the real one by default. Never called in a dry run. */
  runner?: CommandRunner;
  home?: string;
  uid?: number;
  env?: Record<string, string | undefined>;
  /** The installed project; by default the one this file is in. */
  projectRoot?: string;
  /** A Node >= 22.22 binary; by default the project's own, else the running one. */
  nodePath?: string;
  /** When the daily backup runs, local time; 03:30 by default. */
  backupAt?: { hour: number; minute: number };
  /** macOS permissions (launchd only: Full Disk Access for the jobs' Node); the real ones by default. */
  permissions?: Permissions;
}

/** The scheduler for a platform: launchd on macOS, systemd user timers on Linux. */
export function defaultScheduler(platform: NodeJS.Platform = process.platform): Scheduler {
  return platform === "darwin" ? "launchd" : "systemd";
}

/**
 * Installs the two background jobs: the embedder every 300 s and the backup daily. On macOS two
 * LaunchAgents in `~/Library/LaunchAgents`, loaded with `launchctl bootstrap`; on Linux a
 * `.service` and a `.timer` each in `~/.config/systemd/user`, started with `systemctl --user`.
 * Installing again replaces them. With `dryRun` nothing is written or run: the report holds
 * every file's content and every command.
 *
 * @example
 * const report = await installJobs({ config: resolveConfig(), dryRun: true });
 * console.log(report.files[0]?.content);
 */
export async function installJobs(options: JobsOptions): Promise<JobsReport> {
  const { ctx, report } = prepare("install", options);
  const plan = report.scheduler === "launchd" ? planLaunchdInstall(ctx) : planSystemdInstall(ctx);
  report.files = plan.files;
  report.commands = plan.commands;
  if (!ctx.dryRun) makeDirs(ctx.paths.logDir, 0o700);
  applyFiles(plan.files, ctx.dryRun);
  await runCommands(ctx, plan.commands);
  if (!fs.existsSync(ctx.paths.db))
    report.notes.push(`${ctx.paths.db} does not exist yet; the first run creates it.`);
  if (report.scheduler === "launchd") {
    // The jobs' Node needs Full Disk Access for iCloud Drive and ~/Documents: say so unless granted.
    const access = diskAccess(options.permissions ?? macPermissions(), ctx.paths.node);
    if (access.status !== "authorized") report.diskAccess = access;
  }
  return report;
}

/**
 * Stops the jobs and removes their files. Jobs that were not installed are no error.
 *
 * @example
 * await uninstallJobs({ config: resolveConfig() });
 */
export async function uninstallJobs(options: JobsOptions): Promise<JobsReport> {
  const { ctx, report } = prepare("uninstall", options);
  const plan = report.scheduler === "launchd" ? planLaunchdUninstall(ctx) : planSystemdUninstall(ctx);
  const after = report.scheduler === "systemd" ? afterSystemdUninstall() : [];
  report.files = plan.files;
  report.commands = [...plan.commands, ...after];
  await runCommands(ctx, plan.commands);
  applyFiles(plan.files, ctx.dryRun);
  await runCommands(ctx, after);
  return report;
}

/**
 * Whether each job is installed and loaded, when it last ran and how it ended: the scheduler's
 * state and last exit code, and the log file's time and last line.
 *
 * @example
 * const { jobs } = await jobsStatus({ config: resolveConfig() });
 * jobs[0]; // { name: "embed", loaded: true, lastExitCode: 0, log: { modifiedAt: "…", lastLine: "…" } }
 */
export async function jobsStatus(options: JobsOptions): Promise<JobsReport> {
  const { ctx, report } = prepare("status", options);
  const found = report.scheduler === "launchd" ? await launchdStatus(ctx) : await systemdStatus(ctx);
  report.commands = found.commands;
  report.jobs = found.jobs;
  const failed = found.commands.find((c) => c.code === 127);
  if (failed)
    report.notes.push(`\`${failed.argv[0]}\` is not available here, so no job could be asked about.`);
  const denied = found.jobs.find((job) => job.log.denied !== null);
  if (report.scheduler === "launchd" && denied?.log.denied) {
    // A refused run (EPERM) under launchd: the binary the installed plists run lacks Full Disk Access.
    const node = installedJobNode(ctx.home) ?? ctx.paths.node;
    const run = { job: denied.name, line: denied.log.denied };
    report.diskAccess = diskAccess(options.permissions ?? macPermissions(), node, run);
  }
  return report;
}

function prepare(
  action: JobsReport["action"],
  options: JobsOptions,
): { ctx: JobContext; report: JobsReport } {
  const scheduler = options.scheduler ?? defaultScheduler();
  const dryRun = options.dryRun ?? false;
  refuseLaunchdOffMac(action, scheduler, dryRun, options);
  const backupAt = options.backupAt ?? { hour: 3, minute: 30 };
  checkTime(backupAt);
  const paths = resolveJobPaths({
    config: options.config,
    platform: scheduler === "launchd" ? "darwin" : "linux",
    projectRoot: options.projectRoot,
    nodePath: options.nodePath,
  });
  const ctx: JobContext = {
    paths,
    runner: dryRun ? createRecordingRunner() : (options.runner ?? createProcessRunner()),
    dryRun,
    home: options.home ?? os.homedir(),
    uid: options.uid ?? process.getuid?.() ?? 501,
    env: options.env ?? process.env,
    backupAt,
  };
  const report: JobsReport = {
    action,
    scheduler,
    dryRun,
    paths,
    files: [],
    commands: [],
    jobs: [],
    notes: [],
    diskAccess: null,
  };
  return { ctx, report };
}

/** Installing or removing launchd jobs needs macOS (or a runner standing in for launchctl). */
function refuseLaunchdOffMac(
  action: JobsReport["action"],
  scheduler: Scheduler,
  dryRun: boolean,
  options: JobsOptions,
): void {
  const changes = action !== "status" && !dryRun;
  if (changes && scheduler === "launchd" && process.platform !== "darwin" && !options.runner) {
    throw new BrainError("jobs_failed", `launchd jobs can only be ${action}ed on macOS.`, {
      hint: "See what would be written with --dry-run, or use --scheduler systemd on Linux.",
    });
  }
}

function checkTime({ hour, minute }: { hour: number; minute: number }): void {
  if (
    !Number.isInteger(hour) ||
    hour < 0 ||
    hour > 23 ||
    !Number.isInteger(minute) ||
    minute < 0 ||
    minute > 59
  ) {
    throw new BrainError("bad_input", `The backup time ${hour}:${minute} is not a time of day.`, {
      hint: "Give the hour as 0-23 and the minute as 0-59, e.g. --at 03:30.",
    });
  }
}
