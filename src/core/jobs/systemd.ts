import fs from "node:fs";
import path from "node:path";
import { BrainError } from "../base/index.ts";
import {
  JOB_NAMES,
  logPath,
  readLogInfo,
  type JobCommand,
  type JobContext,
  type JobFile,
  type JobName,
  type JobPaths,
  type JobState,
} from "./shared.ts";

/** The unit name of each job, without `.service` / `.timer`. */
export const SYSTEMD_UNITS: Record<JobName, string> = {
  embed: "local-brain-embed",
  backup: "local-brain-backup",
};

const DESCRIPTIONS: Record<JobName, string> = {
  embed: "Local Brain: embed new and changed entries",
  backup: "Local Brain: daily encrypted backup",
};

/** `~/.config/systemd/user`, or `$XDG_CONFIG_HOME/systemd/user`. */
export function systemdUserDir(home: string, env: Record<string, string | undefined>): string {
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : null;
  return path.join(xdg ?? path.join(home, ".config"), "systemd", "user");
}

/**
 * One double-quoted argument as systemd reads it: `%` starts a specifier, so it is doubled; `\`
 * and `"` are escaped. In `ExecStart=` arguments a `$` starts a variable and is doubled too
 * (`expandsDollar`); `Environment=` and the executable's own path expand no variables.
 *
 * @example
 * systemdQuote('/a b/50% "x"', true); // "/a b/50%% \"x\"" with the quotes around it
 */
export function systemdQuote(value: string, expandsDollar = false): string {
  const escaped = systemdLiteral(value).replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return `"${expandsDollar ? escaped.replace(/\$/g, "$$$$") : escaped}"`;
}

/** The program in `ExecStart=`: systemd refuses quotes and backslashes in its path, even escaped. */
export function systemdExecutable(file: string): string {
  if (/["'\\]/.test(file)) {
    throw new BrainError(
      "bad_input",
      `systemd cannot start a program whose path holds a quote or backslash: ${file}`,
      {
        hint: "Pass a Node binary at a plainer path with --node PATH.",
      },
    );
  }
  return systemdQuote(file);
}

/** A value systemd takes verbatim apart from `%` specifiers (paths after `=` or `append:`). */
export function systemdLiteral(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(value)) {
    throw new BrainError(
      "bad_input",
      `${JSON.stringify(value)} holds a control character a unit file cannot store.`,
      {
        hint: "Use paths without line breaks or control characters.",
      },
    );
  }
  return value.replace(/%/g, "%%");
}

/** The jobs' CPU priority (`Nice=`): below a person's own processes, so a capture never waits behind them. */
export const JOB_NICE = 10;

/** The `.service` unit: one run of `brain embed` or `brain backup`, low CPU and I/O priority. */
export function renderService(name: JobName, paths: JobPaths): string {
  const log = systemdLiteral(logPath(paths, name));
  const env = (key: string, value: string) => `Environment=${systemdQuote(`${key}=${value}`)}`;
  return [
    "[Unit]",
    `Description=${DESCRIPTIONS[name]}`,
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${systemdExecutable(paths.node)} ${systemdQuote(paths.brain, true)} ${name}`,
    `WorkingDirectory=${systemdLiteral(paths.root)}`,
    env("BRAIN_DB", paths.db),
    env("BRAIN_LOG_DIR", paths.logDir),
    env("OLLAMA_HOST", paths.ollamaHost),
    ...Object.entries(paths.env).map(([key, value]) => env(key, value)),
    `Nice=${JOB_NICE}`,
    "IOSchedulingClass=idle",
    `StandardOutput=append:${log}`,
    `StandardError=append:${log}`,
    "",
  ].join("\n");
}

/**
 * The `.timer` unit. The embedder: once 30 s after the timer starts (launchd's RunAtLoad), then
 * 300 s after each run. The backup: daily at the given time, caught up after the machine was off.
 */
export function renderTimer(name: JobName, backupAt: { hour: number; minute: number }): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const schedule =
    name === "embed"
      ? ["OnActiveSec=30", "OnUnitActiveSec=300"]
      : [`OnCalendar=*-*-* ${pad(backupAt.hour)}:${pad(backupAt.minute)}:00`, "Persistent=true"];
  return [
    "[Unit]",
    `Description=${DESCRIPTIONS[name]} (timer)`,
    "",
    "[Timer]",
    ...schedule,
    `Unit=${SYSTEMD_UNITS[name]}.service`,
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ].join("\n");
}

const timers = () => JOB_NAMES.map((name) => `${SYSTEMD_UNITS[name]}.timer`);

/** Install: a `.service` and a `.timer` per job, then `daemon-reload` and `enable --now` the timers. */
export function planSystemdInstall(ctx: JobContext): { files: JobFile[]; commands: JobCommand[] } {
  const dir = systemdUserDir(ctx.home, ctx.env);
  const files = JOB_NAMES.flatMap((name): JobFile[] => [
    {
      path: path.join(dir, `${SYSTEMD_UNITS[name]}.service`),
      action: "write",
      mode: 0o644,
      content: renderService(name, ctx.paths),
    },
    {
      path: path.join(dir, `${SYSTEMD_UNITS[name]}.timer`),
      action: "write",
      mode: 0o644,
      content: renderTimer(name, ctx.backupAt),
    },
  ]);
  const commands: JobCommand[] = [
    { argv: ["systemctl", "--user", "daemon-reload"] },
    { argv: ["systemctl", "--user", "enable", "--now", ...timers()] },
  ];
  return { files, commands };
}

/** Uninstall: the timers stopped and disabled (may fail: not installed), the units removed. */
export function planSystemdUninstall(ctx: JobContext): { files: JobFile[]; commands: JobCommand[] } {
  const dir = systemdUserDir(ctx.home, ctx.env);
  const files = JOB_NAMES.flatMap((name): JobFile[] => [
    { path: path.join(dir, `${SYSTEMD_UNITS[name]}.timer`), action: "remove" },
    { path: path.join(dir, `${SYSTEMD_UNITS[name]}.service`), action: "remove" },
  ]);
  return {
    files,
    commands: [{ argv: ["systemctl", "--user", "disable", "--now", ...timers()], mayFail: true }],
  };
}

/** The commands that must run after the files are removed. */
export function afterSystemdUninstall(): JobCommand[] {
  return [{ argv: ["systemctl", "--user", "daemon-reload"], mayFail: true }];
}

/** Status: `systemctl --user show` of each timer and service, plus the unit files and the log. */
export async function systemdStatus(ctx: JobContext): Promise<{ commands: JobCommand[]; jobs: JobState[] }> {
  const dir = systemdUserDir(ctx.home, ctx.env);
  const commands: JobCommand[] = [];
  const jobs: JobState[] = [];
  for (const name of JOB_NAMES) {
    const unit = SYSTEMD_UNITS[name];
    const timer = await show(ctx, commands, `${unit}.timer`, ["ActiveState", "LastTriggerUSec"]);
    const service = await show(ctx, commands, `${unit}.service`, ["ExecMainStatus", "ExecMainExitTimestamp"]);
    const exited = Boolean(service?.ExecMainExitTimestamp);
    const lastTrigger = timer?.LastTriggerUSec;
    jobs.push({
      name,
      id: `${unit}.timer`,
      installed: fs.existsSync(path.join(dir, `${unit}.timer`)),
      loaded: timer === null ? null : timer.ActiveState === "active",
      state: timer?.ActiveState ?? null,
      runs: null,
      lastExitCode:
        exited && /^\d+$/.test(service?.ExecMainStatus ?? "") ? Number(service?.ExecMainStatus) : null,
      lastRunAt: lastTrigger && lastTrigger !== "n/a" ? lastTrigger : null,
      log: readLogInfo(logPath(ctx.paths, name)),
    });
  }
  return { commands, jobs };
}

async function show(
  ctx: JobContext,
  commands: JobCommand[],
  unit: string,
  properties: string[],
): Promise<Record<string, string> | null> {
  const command: JobCommand = {
    argv: ["systemctl", "--user", "show", unit, ...properties.map((p) => `--property=${p}`)],
    mayFail: true,
  };
  commands.push(command);
  if (ctx.dryRun) return null;
  const result = await ctx.runner.run("systemctl", command.argv.slice(1));
  command.code = result.code;
  // A failed `show` (no user manager, no such unit) reads as not loaded, not as "not asked".
  return result.code === 0 ? parseProperties(result.stdout) : {};
}

/** `Key=Value` lines, as `systemctl show` prints them. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return out;
}
