import fs from "node:fs";

/**
 * The version in the project's package.json: what `brain --version` prints and what the MCP
 * server tells its clients. Read from the file, so it is the same however `brain` was started
 * (npm sets npm_package_version only for `npm run` and `npx`).
 *
 * @example
 * brainVersion(); // "0.12.0"
 */
export function brainVersion(): string {
  try {
    const manifest = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof manifest.version === "string" ? manifest.version : "unknown";
  } catch {
    return "unknown";
  }
}
