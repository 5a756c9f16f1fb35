import { spawnSync } from "node:child_process";
import path from "node:path";
import { ROOT } from "./cli.ts";

/** The Secret Service suites are Linux's: on macOS the CLI's secret store is the Keychain. */
export const ON_LINUX = process.platform === "linux";

/** Runs a command inside a private D-Bus session with its own unlocked gnome-keyring. */
export const WITH_SECRET_SERVICE = path.join(ROOT, "scripts", "with-secret-service.sh");

/** What scripts/with-secret-service.sh and the tests run (scripts/test-packages.sh checks the same). */
const TOOLS = ["dbus-run-session", "dbus-send", "gnome-keyring-daemon", "secret-tool"];

/** Where `tool` is on PATH, or null. */
export function toolPath(tool: string): string | null {
  const found = spawnSync("sh", ["-c", 'command -v "$0"', tool], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : null;
}

/**
 * Fails (never skips) when a Secret Service tool is missing: the test command installs them
 * first (scripts/test-packages.sh), so a missing one means the tests were started another way.
 */
export function requireSecretServiceTools(): void {
  const missing = TOOLS.filter((tool) => toolPath(tool) === null);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(", ")} not installed. \`npm test\` installs them; or run: ` +
        "sudo apt-get install -y dbus dbus-x11 gnome-keyring libsecret-tools",
    );
  }
}
