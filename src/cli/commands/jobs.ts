import path from "node:path";
import { defaultDbPath, defaultLogDir, BrainError } from "../../core/base/index.ts";
import {
  defaultScheduler,
  diskAccessLines,
  installJobs,
  jobsStatus,
  uninstallJobs,
  type JobCommand,
  type JobState,
  type JobsOptions,
  type JobsReport,
  type Scheduler,
} from "../../core/jobs/index.ts";
import { choiceFlag, stringFlag, type CliCommand, type CliContext } from "../command.ts";

const ACTIONS = ["install", "uninstall", "status"] as const;

export const jobs: CliCommand = {
  name: "jobs",
  summary: "Install, remove or inspect the background embedder and daily backup (launchd, systemd)",
  usage: "jobs install|uninstall|status [--dry-run] [--scheduler launchd|systemd] [--at HH:MM] [--node PATH]",
  options: {
    "dry-run": { type: "boolean" },
    scheduler: { type: "string" },
    at: { type: "string" },
    node: { type: "string" },
  },
  args: { min: 1, max: 1 },
  async run(ctx) {
    const action = ctx.args[0];
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
      throw new BrainError(
        "bad_input",
        `\`brain jobs ${action ?? ""}\` is not one of install, uninstall, status.`,
        {
          hint: "For example `brain jobs install --dry-run`.",
        },
      );
    }
    const options = jobsOptions(ctx);
    const run = action === "install" ? installJobs : action === "uninstall" ? uninstallJobs : jobsStatus;
    const report = await run(options);
    ctx.print(report, () => formatJobsReport(report));
  },
};

/** The options from the flags. For launchd on another OS (a dry run), paths are the Mac defaults. */
function jobsOptions(ctx: CliContext): JobsOptions {
  const scheduler: Scheduler =
    choiceFlag(ctx.flags, "scheduler", ["launchd", "systemd"]) ?? defaultScheduler();
  const { env } = ctx.io;
  const foreign = scheduler === "launchd" && process.platform !== "darwin";
  const explicitDb = stringFlag(ctx.flags, "db") ?? env.BRAIN_DB;
  const node = stringFlag(ctx.flags, "node");
  return {
    config: {
      ...ctx.config,
      dbPath: foreign && !explicitDb ? defaultDbPath(env, "darwin") : ctx.config.dbPath,
      logDir: foreign && !env.BRAIN_LOG_DIR ? defaultLogDir(env, "darwin") : ctx.config.logDir,
    },
    dryRun: ctx.flags["dry-run"] === true,
    scheduler,
    env,
    nodePath: node === undefined ? undefined : path.resolve(node),
    backupAt: parseTime(stringFlag(ctx.flags, "at")),
  };
}

function parseTime(value: string | undefined): { hour: number; minute: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (!match) {
    throw new BrainError("bad_input", `--at "${value}" is not a time of day.`, {
      hint: "For example --at 03:30.",
    });
  }
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** The report as a person reads it: files, commands, and each job's state. */
export function formatJobsReport(report: JobsReport): string {
  const lines: string[] = [];
  const would = report.dryRun ? "Would " : "";
  for (const file of report.files) {
    if (file.action === "remove") {
      lines.push(`${would ? "Would remove" : "Removed"} ${file.path}`);
      continue;
    }
    const mode = file.mode === undefined ? "" : ` (${file.mode.toString(8).padStart(4, "0")})`;
    lines.push(`${would ? "Would write" : "Wrote"} ${file.path}${mode}:`, indent(file.content ?? ""));
  }
  if (report.action !== "status" && report.commands.length) {
    lines.push(report.dryRun ? "Would run:" : "Ran:", ...report.commands.map(commandLine));
  }
  if (report.action === "status") lines.push(...report.jobs.flatMap(jobLines));
  if (report.action === "status" && report.dryRun)
    lines.push("Would ask:", ...report.commands.map(commandLine));
  if (report.action === "install") {
    lines.push(
      `${report.dryRun ? "Would install" : "Installed"} (${report.scheduler}): the embedder every 5 minutes, the backup daily.`,
      `Logs: ${report.paths.logDir}`,
    );
  }
  lines.push(...report.notes);
  if (report.diskAccess) lines.push(...diskAccessLines(report.diskAccess));
  return lines.join("\n");
}

function jobLines(job: JobState): string[] {
  const loaded = job.loaded === null ? "not asked" : job.loaded ? "loaded" : "not loaded";
  const facts = [job.installed ? "installed" : "not installed", loaded];
  if (job.state) facts.push(job.state);
  if (job.runs !== null) facts.push(`${job.runs} runs`);
  if (job.lastRunAt) facts.push(`last run ${job.lastRunAt}`);
  facts.push(job.lastExitCode === null ? "no finished run" : `last exit ${job.lastExitCode}`);
  const log = job.log.modifiedAt
    ? `log ${job.log.path}, written ${job.log.modifiedAt}: ${job.log.lastLine ?? "(empty)"}`
    : `log ${job.log.path}: none yet`;
  return [`${job.name.padEnd(7)} ${job.id}: ${facts.join(", ")}`, `        ${log}`];
}

function commandLine(command: JobCommand): string {
  const argv = command.argv.map(shellWord).join(" ");
  const code = command.code === undefined ? "" : ` (exit ${command.code})`;
  return `  ${argv}${code}${command.mayFail ? "   # may fail harmlessly" : ""}`;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
