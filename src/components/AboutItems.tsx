import fs from "node:fs";
import { Clipboard, Icon, MenuBarExtra } from "@raycast/api";
import type { BrainConfig } from "../core/base/index.ts";
import type { StatusSnapshot } from "../helpers/status.ts";

/**
 * "About Local Brain" in the menu bar: where the memory, logs and backups are, which native
 * binaries the extension loads, and whether sqlite-vec loaded. Choosing the database copies its
 * path, so the command line and the jobs can be pointed at the same file.
 *
 * @example
 * <AboutItems config={config} snapshot={snapshot} />
 */
export function AboutItems({ config, snapshot }: { config: BrainConfig; snapshot: StatusSnapshot }) {
  const size = fileSize(config.dbPath);
  return (
    <MenuBarExtra.Submenu title="About Local Brain" icon={Icon.Info}>
      <MenuBarExtra.Item
        title={`Database: ${config.dbPath}`}
        subtitle={size === null ? "not created yet" : formatBytes(size)}
        tooltip="Copy the path, e.g. for `brain status --db PATH`"
        onAction={() => Clipboard.copy(config.dbPath)}
      />
      <MenuBarExtra.Item title={`Logs: ${config.logDir}`} />
      <MenuBarExtra.Item title={`Backups: ${config.backupDir}`} />
      <MenuBarExtra.Item title={`Native binaries: ${nativeStatus(config)}`} />
      <MenuBarExtra.Item title={`sqlite-vec: ${vecStatus(snapshot)}`} tooltip={snapshot.sqliteVec?.error} />
      <MenuBarExtra.Item title={`Node ${process.version} (${process.arch})`} />
    </MenuBarExtra.Submenu>
  );
}

function vecStatus(snapshot: StatusSnapshot): string {
  if (!snapshot.sqliteVec) return "unknown (the database could not be read)";
  return snapshot.sqliteVec.loaded ? "loaded" : "not loaded, meaning search uses a slower built-in cosine";
}

function nativeStatus(config: BrainConfig): string {
  const files = Object.values(config.native ?? {}).filter((f): f is string => typeof f === "string");
  if (files.length === 0) return "from the installed packages";
  const missing = files.filter((file) => !fs.existsSync(file));
  return missing.length === 0 ? "present" : `missing ${missing.join(", ")}`;
}

function fileSize(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
