import fs from "node:fs";
import path from "node:path";
import { BrainError } from "../base/index.ts";
import { LAUNCHD_LABELS, launchdTarget, parseLaunchctlPrint, type LaunchctlPrint } from "./control.ts";
import { projectRoot } from "./paths.ts";
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

// XML 1.0 allows tab, newline and carriage return, and no other control character, even escaped.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/** Escapes text for an XML element or attribute: `&`, `<`, `>`, `"` and `'`. */
export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * Fills `{{KEY}}` placeholders with XML-escaped values. A placeholder without a value, or a value
 * XML cannot hold, is an error rather than a broken plist.
 *
 * @example
 * renderTemplate("<string>{{DB}}</string>", { DB: "/a & b.db" }); // "<string>/a &amp; b.db</string>"
 */
export function renderTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) {
      throw new BrainError("jobs_failed", `The job template has a placeholder {{${key}}} with no value.`, {
        hint: "Reinstall Local Brain: its launchd/ templates do not match this version.",
      });
    }
    const text = String(value);
    if (XML_INVALID.test(text)) {
      throw new BrainError(
        "bad_input",
        `${JSON.stringify(text)} holds a control character a plist cannot store.`,
        {
          hint: "Use paths without control characters.",
        },
      );
    }
    return xmlEscape(text);
  });
}

/** The plist for one job, rendered from its template in the project's `launchd/`. */
export function renderPlist(
  name: JobName,
  paths: JobPaths,
  backupAt: { hour: number; minute: number },
  templateDir = path.join(projectRoot(), "launchd"),
): string {
  const label = LAUNCHD_LABELS[name];
  const template = fs.readFileSync(path.join(templateDir, `${label}.plist`), "utf8");
  const rendered = renderTemplate(template, {
    LABEL: label,
    NODE: paths.node,
    BRAIN: paths.brain,
    ROOT: paths.root,
    DB: paths.db,
    LOG_DIR: paths.logDir,
    LOG: logPath(paths, name),
    OLLAMA_HOST: paths.ollamaHost,
    HOUR: backupAt.hour,
    MINUTE: backupAt.minute,
  });
  return withExtraEnv(rendered, paths.env);
}

/** Adds the configured models and backup folders to the plist's EnvironmentVariables dict. */
function withExtraEnv(plist: string, env: Record<string, string>): string {
  const entries = Object.entries(env)
    .map(
      ([key, value]) =>
        `\t\t<key>${xmlEscape(key)}</key>\n\t\t<string>${renderTemplate("{{V}}", { V: value })}</string>\n`,
    )
    .join("");
  return plist.replace(/(<key>EnvironmentVariables<\/key>\s*<dict>\n)/, `$1${entries}`);
}

function plistPath(ctx: JobContext, name: JobName): string {
  return path.join(ctx.home, "Library", "LaunchAgents", `${LAUNCHD_LABELS[name]}.plist`);
}

function target(ctx: JobContext, name: JobName): string {
  return launchdTarget(ctx.uid, name);
}

/**
 * Install: each plist written 0644, then unloaded if it was loaded (bootout may fail: not loaded),
 * enabled (a job disabled earlier would refuse to load) and loaded into the GUI session.
 */
export function planLaunchdInstall(ctx: JobContext): { files: JobFile[]; commands: JobCommand[] } {
  const files: JobFile[] = [];
  const commands: JobCommand[] = [];
  for (const name of JOB_NAMES) {
    const file = plistPath(ctx, name);
    files.push({
      path: file,
      action: "write",
      mode: 0o644,
      content: renderPlist(name, ctx.paths, ctx.backupAt),
    });
    commands.push(
      { argv: ["launchctl", "bootout", target(ctx, name)], mayFail: true },
      { argv: ["launchctl", "enable", target(ctx, name)] },
      { argv: ["launchctl", "bootstrap", `gui/${ctx.uid}`, file] },
    );
  }
  return { files, commands };
}

/** Uninstall: each job unloaded (may fail: not loaded), then its plist removed. */
export function planLaunchdUninstall(ctx: JobContext): { files: JobFile[]; commands: JobCommand[] } {
  return {
    files: JOB_NAMES.map((name) => ({ path: plistPath(ctx, name), action: "remove" as const })),
    commands: JOB_NAMES.map((name) => ({ argv: ["launchctl", "bootout", target(ctx, name)], mayFail: true })),
  };
}

/** Status: `launchctl print` per job (exit 0 means loaded), plus the plist and the log file. */
export async function launchdStatus(ctx: JobContext): Promise<{ commands: JobCommand[]; jobs: JobState[] }> {
  const commands: JobCommand[] = [];
  const jobs: JobState[] = [];
  for (const name of JOB_NAMES) {
    const command: JobCommand = { argv: ["launchctl", "print", target(ctx, name)], mayFail: true };
    commands.push(command);
    let printed: LaunchctlPrint | null = null;
    if (!ctx.dryRun) {
      const result = await ctx.runner.run("launchctl", command.argv.slice(1));
      command.code = result.code;
      printed = result.code === 0 ? parseLaunchctlPrint(result.stdout) : null;
    }
    jobs.push({
      name,
      id: LAUNCHD_LABELS[name],
      installed: fs.existsSync(plistPath(ctx, name)),
      loaded: ctx.dryRun ? null : printed !== null,
      state: printed?.state ?? null,
      runs: printed?.runs ?? null,
      lastExitCode: printed?.lastExitCode ?? null,
      lastRunAt: null,
      log: readLogInfo(logPath(ctx.paths, name)),
    });
  }
  return { commands, jobs };
}

export { LAUNCHD_LABELS, parseLaunchctlPrint, type LaunchctlPrint };
