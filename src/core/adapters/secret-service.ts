/**
 * The Linux secret store: the freedesktop Secret Service (gnome-keyring, KeePassXC, KWallet)
 * through `secret-tool` from libsecret-tools. Items carry two attributes, `service` and `account`.
 * The secret goes to `secret-tool store` on stdin, never in its arguments.
 */
import type { SecretStore } from "../base/index.ts";
import {
  checkSecretArgs,
  describeFailure,
  runCommand,
  storeUnavailable,
  type CommandResult,
  type CommandRunner,
} from "./secret-cli.ts";

export interface SecretServiceOptions {
  /** Runs `secret-tool`; defaults to {@link runCommand}. */
  run?: CommandRunner;
  /** The environment `secret-tool` sees (DBUS_SESSION_BUS_ADDRESS picks the session bus). */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the keyring before giving up; a locked one may wait for a prompt. */
  timeoutMs?: number;
  /** The `secret-tool` binary, by name or path. */
  command?: string;
}

export const SECRET_SERVICE_INSTALL_HINT =
  "Install a Secret Service and its command line tool (Debian/Ubuntu: `sudo apt-get install gnome-keyring " +
  "libsecret-tools`) and run inside a D-Bus session with an unlocked keyring (a desktop login, or " +
  "`dbus-run-session` with `gnome-keyring-daemon --unlock`).";

const UNREACHABLE_HINT =
  "Run inside a D-Bus session with an unlocked keyring: log in to a desktop session, or headless start " +
  "one with `dbus-run-session` and `gnome-keyring-daemon --unlock --components=secrets`.";

/**
 * A {@link SecretStore} backed by the Secret Service via `secret-tool`. When the tool is missing,
 * there is no D-Bus session, or the keyring is locked, every call throws BrainError
 * `secret_store_unavailable` with a hint; nothing is ever written anywhere else.
 *
 * @example
 * const store = createSecretServiceStore();
 * await store.set("local-brain", "backup-key", keyBase64);
 * await store.get("local-brain", "backup-key"); // keyBase64
 */
export function createSecretServiceStore(options: SecretServiceOptions = {}): SecretStore {
  const run = options.run ?? runCommand;
  const command = options.command ?? "secret-tool";
  const call = (args: string[], input?: string) =>
    run(command, args, { input, env: options.env, timeoutMs: options.timeoutMs ?? 15_000 });
  const name = "Secret Service";

  return {
    name,
    async get(service, account) {
      checkSecretArgs(service, account);
      const result = await call(["lookup", "service", service, "account", account]);
      if (result.exitCode === 0) return result.stdout;
      if (notFound(result)) return null;
      throw failed(result, "read");
    },
    async set(service, account, secret) {
      checkSecretArgs(service, account, secret);
      const label = `Local Brain: ${service} (${account})`;
      const result = await call(
        ["store", `--label=${label}`, "service", service, "account", account],
        secret,
      );
      if (result.exitCode !== 0) throw failed(result, "store", secret);
    },
    async delete(service, account) {
      checkSecretArgs(service, account);
      const result = await call(["clear", "service", service, "account", account]);
      if (result.exitCode !== 0 && !notFound(result)) throw failed(result, "delete");
    },
  };
}

/** `secret-tool` exits 1 without a word when nothing matches; errors always say something. */
function notFound(result: CommandResult): boolean {
  return result.exitCode === 1 && result.stderr.trim() === "" && result.stdout === "";
}

function failed(result: CommandResult, verb: string, secret?: string) {
  if (result.failure?.kind === "missing") {
    return storeUnavailable(
      "The Secret Service tool `secret-tool` is not installed.",
      SECRET_SERVICE_INSTALL_HINT,
    );
  }
  const detail = describeFailure(result, secret);
  const unreachable = /could not connect|cannot autolaunch|dbus|no such file/i.test(detail);
  const message = unreachable
    ? `The Secret Service is not reachable (no D-Bus session?): ${detail}.`
    : `The Secret Service could not ${verb} the secret (is the keyring locked?): ${detail}.`;
  return storeUnavailable(message, UNREACHABLE_HINT);
}
