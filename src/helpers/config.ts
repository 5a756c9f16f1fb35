import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { resolveConfig, type BrainConfig } from "../core/base/index.ts";
import { nativePaths } from "../raycast-native.ts";

/** The extension's preferences, as declared in package.json. Empty text means "the default". */
export interface BrainPreferences {
  dbPath?: string;
  ollamaHost?: string;
  embedModel?: string;
  chatModel?: string;
  /** The cloud model's API key for Ask Brain (a password preference, kept encrypted by Raycast). */
  cloudApiKey?: string;
  /** Quick Capture may save the clipboard when nothing is typed or selected. */
  captureClipboard?: boolean;
}

/** Where the command runs: Raycast's assets folder and the machine. */
export interface RaycastRuntime {
  assetsPath: string;
  platform: NodeJS.Platform;
  arch: string;
  env?: Record<string, string | undefined>;
}

/**
 * The core's configuration from the extension's preferences. On macOS the native binaries come
 * from the extension's assets (Raycast bundles the commands, so the installed packages' own
 * loaders cannot find them); elsewhere they do too when the assets hold them (the test of the
 * built extension on Linux), else the installed packages load as usual (the source tests).
 *
 * @example
 * const config = configFromPreferences({ dbPath: "~/brain.db" }, {
 *   assetsPath: environment.assetsPath, platform: process.platform, arch: process.arch,
 * });
 */
export function configFromPreferences(prefs: BrainPreferences, runtime: RaycastRuntime): BrainConfig {
  const dbPath = filled(prefs.dbPath);
  const ollamaHost = filled(prefs.ollamaHost);
  const embedModel = filled(prefs.embedModel);
  const chatModel = filled(prefs.chatModel);
  return resolveConfig(
    {
      ...(dbPath ? { dbPath: expandHome(dbPath) } : {}),
      ...(ollamaHost ? { ollamaHost } : {}),
      ...(embedModel ? { embedModel } : {}),
      ...(chatModel ? { chatModel } : {}),
      ...nativeFor(runtime),
    },
    runtime.env ?? process.env,
  );
}

function nativeFor(runtime: RaycastRuntime): { native?: BrainConfig["native"] } {
  if (runtime.platform === "darwin") return { native: nativePaths(runtime.assetsPath, runtime.arch) };
  const native = nativePaths(runtime.assetsPath, runtime.arch, runtime.platform);
  return fs.existsSync(native.betterSqlite3) ? { native } : {};
}

function filled(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Preferences are typed by hand, so `~/...` means the home folder as it does in a shell. */
export function expandHome(file: string, home = os.homedir()): string {
  return file === "~" || file.startsWith("~/") ? path.join(home, file.slice(1)) : file;
}
