/**
 * The macOS Keychain adapter against the real `security` tool, on macOS only (elsewhere
 * test/keychain.test.ts checks it against a recorded stand-in). Everything happens in a keychain
 * made for the test in a temporary folder, never the login keychain.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMacKeychain } from "../src/core/adapters/keychain.ts";
import { runCommand, type CommandRunner } from "../src/core/adapters/secret-cli.ts";

const SERVICE = `local-brain-test-${process.pid}`;
const ACCOUNT = "backup-key";
const PASSWORD = "local-brain-test";

function security(...args: string[]): string {
  const run = spawnSync("security", args, { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`security ${args[0]} failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** The user's keychain search list, one path per line of `security list-keychains -d user`. */
function searchList(): string[] {
  return security("list-keychains", "-d", "user")
    .split("\n")
    .map((line) => line.trim().replace(/^"(.*)"$/, "$1"))
    .filter(Boolean);
}

/** Runs `security` as the adapter asks, with the test keychain named on every command. */
function inKeychain(keychain: string): CommandRunner {
  return (command, args, options) => {
    if (args[0] !== "-i") return runCommand(command, [...args, keychain], options);
    const input = options?.input?.replace(/\n$/, ` ${JSON.stringify(keychain)}\n`);
    return runCommand(command, args, { ...options, input });
  };
}

describe.runIf(process.platform === "darwin")("the macOS Keychain adapter with the real `security`", () => {
  let dir: string;
  let keychain: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "brain-keychain-"));
    keychain = path.join(dir, "local-brain-test.keychain");
    const before = searchList();
    security("create-keychain", "-p", PASSWORD, keychain);
    // create-keychain adds the new keychain to the search list: put the list back as it was.
    security("list-keychains", "-d", "user", "-s", ...before);
    security("unlock-keychain", "-p", PASSWORD, keychain);
    security("set-keychain-settings", keychain); // no locking after a timeout during the test
  });
  afterAll(() => {
    spawnSync("security", ["delete-keychain", keychain]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("stores, reads, replaces and deletes a secret in the keychain it is given", async () => {
    const store = createMacKeychain({ run: inKeychain(keychain) });
    const secret = `p"a's s\\w\\"o rd -w "x" \\`;
    expect(await store.get(SERVICE, ACCOUNT)).toBeNull();
    await store.set(SERVICE, ACCOUNT, secret);
    expect(await store.get(SERVICE, ACCOUNT)).toBe(secret);
    // Another client of the same keychain reads the same secret.
    expect(security("find-generic-password", "-s", SERVICE, "-a", ACCOUNT, "-w", keychain)).toBe(
      `${secret}\n`,
    );
    await store.set(SERVICE, ACCOUNT, "second");
    expect(await store.get(SERVICE, ACCOUNT)).toBe("second");
    await store.delete(SERVICE, ACCOUNT);
    await store.delete(SERVICE, ACCOUNT); // deleting nothing is fine
    expect(await store.get(SERVICE, ACCOUNT)).toBeNull();
    // The keychains on the search list (the login keychain among them) never held it: 44, not found.
    expect(spawnSync("security", ["find-generic-password", "-s", SERVICE, "-a", ACCOUNT]).status).toBe(44);
  });
});
