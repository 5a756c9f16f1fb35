import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Detail, environment, getPreferenceValues } from "@raycast/api";
import { resolveConfig } from "../core/config.ts";
import { nativePaths } from "../raycast-native.ts";

interface AboutPreferences {
  /** Absolute path of the brain database; empty for the default per-user path. */
  dbPath?: string;
}

/**
 * Shows where this extension keeps its memory and which native binaries it loads, so a person
 * can point the `brain` command line and the background jobs at the same database.
 */
export default function AboutCommand() {
  const { dbPath } = getPreferenceValues<AboutPreferences>();
  const config = resolveConfig(dbPath?.trim() ? { dbPath: expandHome(dbPath.trim()) } : {});
  const dbSize = fileSize(config.dbPath);
  const native = nativeStatus(environment.assetsPath, process.arch);
  const markdown = [
    "# Local Brain",
    "",
    "Your memory lives in one SQLite file on this Mac.",
    "",
    "```",
    config.dbPath,
    "```",
    "",
    `The command line and the background jobs use the same file: \`brain status --db "${config.dbPath}"\`.`,
  ].join("\n");
  return (
    <Detail
      markdown={markdown}
      metadata={
        <Detail.Metadata>
          <Detail.Metadata.Label
            title="Database"
            text={dbSize === null ? "not created yet" : formatBytes(dbSize)}
          />
          <Detail.Metadata.Label title="Logs" text={config.logDir} />
          <Detail.Metadata.Label title="Backups" text={config.backupDir} />
          <Detail.Metadata.Separator />
          <Detail.Metadata.Label title="Architecture" text={process.arch} />
          <Detail.Metadata.Label title="Native binaries" text={native} />
          <Detail.Metadata.Label title="Node" text={process.version} />
        </Detail.Metadata>
      }
    />
  );
}

/** Preferences are typed by hand, so `~/...` means the home folder as it does in a shell. */
function expandHome(file: string): string {
  return file === "~" || file.startsWith("~/") ? path.join(os.homedir(), file.slice(1)) : file;
}

function fileSize(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

function nativeStatus(assetsDir: string, arch: string): string {
  try {
    const paths = nativePaths(assetsDir, arch);
    const missing = Object.values(paths).filter((file) => !fs.existsSync(file));
    return missing.length === 0 ? "present" : `missing ${missing.length}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
