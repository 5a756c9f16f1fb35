/**
 * The macOS Keychain through the `security` command line tool, and `detectSecretStore`, which
 * picks the OS's secret store. The secret never appears in a process's arguments: it is written
 * to `security -i` (interactive mode) on stdin as one quoted command line.
 */
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { BrainError, type SecretStore } from "../base/index.ts";
import {
  checkSecretArgs,
  describeFailure,
  runCommand,
  storeUnavailable,
  type CommandResult,
  type CommandRunner,
} from "./secret-cli.ts";
import { SECRET_SERVICE_INSTALL_HINT, createSecretServiceStore } from "./secret-service.ts";

/** One call of the `security` tool: its arguments and what goes to its stdin. */
export interface MacKeychainCommand {
  command: "security";
  args: string[];
  input?: string;
}

export type MacKeychainRequest =
  | { op: "get"; service: string; account: string }
  | { op: "set"; service: string; account: string; secret: string }
  | { op: "delete"; service: string; account: string };

/** `security` reads interactive lines into a 4096-byte buffer. */
const MAX_INTERACTIVE_LINE = 4000;
/** `security` exits 44 (errSecItemNotFound) when no item matches. */
const ITEM_NOT_FOUND = 44;
const KEYCHAIN_HINT =
  "Unlock the login keychain (Keychain Access, or `security unlock-keychain`) and allow access when macOS asks.";

/**
 * The `security` invocation for a request, as a pure function so a test can check that the
 * secret never lands in argv. `set` runs `security -i` and sends `add-generic-password -U` on
 * stdin, each value double-quoted with `\` and `"` escaped (security's own line parser).
 *
 * @example
 * macKeychainCommand({ op: "set", service: "local-brain", account: "backup-key", secret: "s3cret" });
 * // { command: "security", args: ["-i"], input: 'add-generic-password -U -s "local-brain" -a "backup-key" -w "s3cret"\n' }
 */
export function macKeychainCommand(request: MacKeychainRequest): MacKeychainCommand {
  const { service, account } = request;
  checkSecretArgs(service, account, request.op === "set" ? request.secret : undefined);
  if (request.op === "get") {
    return { command: "security", args: ["find-generic-password", "-s", service, "-a", account, "-w"] };
  }
  if (request.op === "delete") {
    return { command: "security", args: ["delete-generic-password", "-s", service, "-a", account] };
  }
  for (const value of [service, account, request.secret]) checkInteractiveValue(value);
  const line = `add-generic-password -U -s ${quote(service)} -a ${quote(account)} -w ${quote(request.secret)}`;
  if (line.length > MAX_INTERACTIVE_LINE) {
    throw new BrainError("bad_input", "The secret is too long for the macOS Keychain tool.", {
      hint: `Keep service, account and secret under ${MAX_INTERACTIVE_LINE - 60} characters together.`,
    });
  }
  return { command: "security", args: ["-i"], input: `${line}\n` };
}

/** Printable ASCII only: `security -w` prints other secrets as hex, which would not round-trip. */
function checkInteractiveValue(value: string): void {
  if (!/^[\x20-\x7e]*$/.test(value)) {
    throw new BrainError("bad_input", "The macOS Keychain adapter stores printable ASCII text only.", {
      hint: "Encode binary secrets (base64) before storing them.",
    });
  }
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

export interface MacKeychainOptions {
  /** Runs `security`; defaults to {@link runCommand}. Tests pass a stand-in. */
  run?: CommandRunner;
  env?: NodeJS.ProcessEnv;
  /** How long to wait, including for the person to answer a Keychain access prompt. */
  timeoutMs?: number;
}

/**
 * A {@link SecretStore} backed by the macOS login Keychain (generic passwords).
 *
 * @example
 * const store = createMacKeychain();
 * await store.set("local-brain", "backup-key", keyBase64);
 */
export function createMacKeychain(options: MacKeychainOptions = {}): SecretStore {
  const run = options.run ?? runCommand;
  const exec = (cmd: MacKeychainCommand) =>
    run(cmd.command, cmd.args, {
      input: cmd.input,
      env: options.env,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
  return {
    name: "macOS Keychain",
    async get(service, account) {
      const result = await exec(macKeychainCommand({ op: "get", service, account }));
      if (result.exitCode === 0) return result.stdout.replace(/\n$/, "");
      if (result.exitCode === ITEM_NOT_FOUND) return null;
      throw keychainFailed(result, "read");
    },
    async set(service, account, secret) {
      const result = await exec(macKeychainCommand({ op: "set", service, account, secret }));
      if (result.exitCode !== 0) throw keychainFailed(result, "store", secret);
    },
    async delete(service, account) {
      const result = await exec(macKeychainCommand({ op: "delete", service, account }));
      if (result.exitCode !== 0 && result.exitCode !== ITEM_NOT_FOUND) throw keychainFailed(result, "delete");
    },
  };
}

function keychainFailed(result: CommandResult, verb: string, secret?: string): BrainError {
  const detail = describeFailure(result, secret);
  return storeUnavailable(`The macOS Keychain could not ${verb} the secret: ${detail}.`, KEYCHAIN_HINT);
}

export interface DetectOptions {
  env?: NodeJS.ProcessEnv;
  run?: CommandRunner;
}

/**
 * The OS secret store for `platform`: the Keychain on macOS, the Secret Service on Linux (and
 * the BSDs). Throws BrainError `secret_store_unavailable` with an install hint when there is none;
 * a store that exists but is locked or unreachable throws the same code on first use.
 *
 * @example
 * const secrets = detectSecretStore(process.platform);
 */
export function detectSecretStore(
  platform: NodeJS.Platform = process.platform,
  options: DetectOptions = {},
): SecretStore {
  if (platform === "darwin") return createMacKeychain(options);
  if (platform === "linux" || platform === "freebsd" || platform === "openbsd") {
    if (!onPath("secret-tool", (options.env ?? process.env).PATH)) {
      throw storeUnavailable(
        "No OS secret store found: `secret-tool` (Secret Service) is not installed.",
        SECRET_SERVICE_INSTALL_HINT,
      );
    }
    return createSecretServiceStore(options);
  }
  throw storeUnavailable(
    `Local Brain has no secret store adapter for ${platform}.`,
    "Use macOS or Linux with a Secret Service (gnome-keyring) for encrypted backups.",
  );
}

function onPath(binary: string, searchPath = ""): boolean {
  return searchPath
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(path.join(dir, binary), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}
