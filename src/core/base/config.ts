import os from "node:os";
import path from "node:path";

/**
 * Everything the core needs to know that is not code: where the database lives, where Ollama
 * listens, which models to use, where backups go. Built once per runtime by its composition root
 * (CLI flags and environment, Raycast preferences, MCP environment) and passed to `createBrain`.
 */
export interface BrainConfig {
  /** Absolute path of the SQLite file. */
  dbPath: string;
  /** Ollama's base URL, e.g. `http://127.0.0.1:11434`. */
  ollamaHost: string;
  /** Embedding model served by Ollama. */
  embedModel: string;
  /** Local chat model served by Ollama. */
  chatModel: string;
  /** Folder the daily encrypted backups are kept in. */
  backupDir: string;
  /** Folder the encrypted backups are copied to (iCloud Drive on a Mac); null to skip the copy. */
  offsiteDir: string | null;
  /** Folder the background jobs log to. */
  logDir: string;
  /** Native binaries to load instead of the installed packages' (Raycast passes its assets). */
  native?: { betterSqlite3?: string; sqliteVec?: string };
  /** The Apple Foundation Models helper for structured tasks; null or absent: none (Ollama answers). */
  appleFmHelper?: string | null;
  /** The Ollama model for structured tasks (enrichment, digest); the chat model when absent. */
  structuredModel?: string;
}

export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";
export const DEFAULT_EMBED_MODEL = "mxbai-embed-large";
export const DEFAULT_CHAT_MODEL = "qwen3:4b";

type Env = Record<string, string | undefined>;

/** The per-user data folder: the same for Raycast, the CLI and the background jobs. */
export function defaultDataDir(
  env: Env = process.env,
  platform = process.platform,
  home = os.homedir(),
): string {
  if (platform === "darwin") return path.join(home, "Library", "Application Support", "local-brain");
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : null;
  return path.join(xdg ?? path.join(home, ".local", "share"), "local-brain");
}

/** The default database path: `~/Library/Application Support/local-brain/brain.db` on macOS. */
export function defaultDbPath(
  env: Env = process.env,
  platform = process.platform,
  home = os.homedir(),
): string {
  return path.join(defaultDataDir(env, platform, home), "brain.db");
}

/** iCloud Drive's folder for the offsite copy on macOS; none elsewhere unless configured. */
export function defaultOffsiteDir(platform = process.platform, home = os.homedir()): string | null {
  if (platform !== "darwin") return null;
  return path.join(home, "Library", "Mobile Documents", "com~apple~CloudDocs", "Local Brain");
}

export function defaultLogDir(
  env: Env = process.env,
  platform = process.platform,
  home = os.homedir(),
): string {
  if (platform === "darwin") return path.join(home, "Library", "Logs", "local-brain");
  const state = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : null;
  return path.join(state ?? path.join(home, ".local", "state"), "local-brain", "logs");
}

/**
 * Resolves the configuration from explicit overrides and the environment:
 * `BRAIN_DB`, `OLLAMA_HOST`, `BRAIN_EMBED_MODEL`, `BRAIN_CHAT_MODEL`, `BRAIN_BACKUP_DIR`,
 * `BRAIN_OFFSITE_DIR` (empty string: no offsite copy), `BRAIN_LOG_DIR`, `BRAIN_APPLE_FM_HELPER`
 * (empty string: none), `BRAIN_STRUCTURED_MODEL`.
 *
 * @example
 * const config = resolveConfig({ dbPath: flags.db });
 */
export function resolveConfig(overrides: Partial<BrainConfig> = {}, env: Env = process.env): BrainConfig {
  const dbPath = path.resolve(overrides.dbPath ?? (env.BRAIN_DB || defaultDbPath(env)));
  const offsiteEnv = env.BRAIN_OFFSITE_DIR;
  return {
    dbPath,
    ollamaHost: normalizeOllamaHost(overrides.ollamaHost ?? env.OLLAMA_HOST ?? DEFAULT_OLLAMA_HOST),
    embedModel: overrides.embedModel ?? (env.BRAIN_EMBED_MODEL || DEFAULT_EMBED_MODEL),
    chatModel: overrides.chatModel ?? (env.BRAIN_CHAT_MODEL || DEFAULT_CHAT_MODEL),
    backupDir: overrides.backupDir ?? (env.BRAIN_BACKUP_DIR || path.join(path.dirname(dbPath), "backups")),
    offsiteDir:
      overrides.offsiteDir !== undefined
        ? overrides.offsiteDir
        : offsiteEnv !== undefined
          ? offsiteEnv || null
          : defaultOffsiteDir(),
    logDir: overrides.logDir ?? (env.BRAIN_LOG_DIR || defaultLogDir(env)),
    native: overrides.native,
    appleFmHelper:
      overrides.appleFmHelper !== undefined
        ? overrides.appleFmHelper
        : env.BRAIN_APPLE_FM_HELPER !== undefined
          ? env.BRAIN_APPLE_FM_HELPER || null
          : defaultAppleFmHelper(env),
    structuredModel: overrides.structuredModel ?? (env.BRAIN_STRUCTURED_MODEL || undefined),
  };
}

/** Where `scripts/build-apple-fm.sh` installs the helper on a Mac: beside the default database. */
export function defaultAppleFmHelper(env: Env = process.env, platform = process.platform): string | null {
  return platform === "darwin" ? path.join(defaultDataDir(env, platform), "bin", "local-brain-fm") : null;
}

/** Accepts what people put in OLLAMA_HOST (`0.0.0.0`, `localhost:11434`, a full URL). */
export function normalizeOllamaHost(host: string): string {
  let value = host.trim();
  if (!/^https?:\/\//i.test(value)) value = `http://${value}`;
  const url = new URL(value);
  if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1";
  if (!url.port && !/^https?:\/\/[^/]+:\d+/i.test(value)) url.port = "11434";
  return url.origin;
}
