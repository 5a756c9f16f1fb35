import { describe, expect, it } from "vitest";
import { createMacKeychain, macKeychainCommand } from "../src/core/adapters/keychain.ts";
import type { CommandResult, CommandRunner } from "../src/core/adapters/secret-cli.ts";
import { isBrainError } from "../src/core/base/errors.ts";

/**
 * Splits an interactive `security -i` line the way the tool does (SecurityTool/security.c,
 * split_line): whitespace separates, '...' or "..." quote, a backslash takes the next character
 * literally inside or outside quotes.
 */
function splitSecurityLine(line: string): string[] {
  const args: string[] = [];
  let current: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (current === undefined) {
      if (/\s/.test(ch)) continue;
      current = "";
      if (ch === '"' || ch === "'") {
        quote = ch;
        continue;
      }
    }
    if (ch === "\\") current += line[++i] ?? "";
    else if (quote ? ch === quote : /\s/.test(ch)) {
      args.push(current);
      current = quote = undefined;
    } else current += ch;
  }
  if (current !== undefined) args.push(current);
  return args;
}

/** A stand-in for macOS `security`: generic passwords in a Map, its exit statuses. */
function fakeSecurity(options: { failWith?: (input: string) => CommandResult } = {}) {
  const items = new Map<string, string>();
  const argvSeen: string[][] = [];
  const option = (args: string[], flag: string) => args[args.indexOf(flag) + 1] ?? "";
  const execute = (args: string[]): CommandResult => {
    const id = `${option(args, "-s")}/${option(args, "-a")}`;
    const found = items.get(id);
    const missing = { exitCode: 44, stdout: "", stderr: "security: The specified item could not be found." };
    if (args[0] === "find-generic-password") return found === undefined ? missing : ok(`${found}\n`);
    if (args[0] === "delete-generic-password") return items.delete(id) ? ok("") : missing;
    if (args[0] === "add-generic-password" && args.includes("-U")) {
      items.set(id, option(args, "-w"));
      return ok("");
    }
    return { exitCode: 2, stdout: "", stderr: `unexpected: ${args.join(" ")}` };
  };
  const run: CommandRunner = async (command, args, runOptions) => {
    expect(command).toBe("security");
    argvSeen.push([...args]);
    if (options.failWith) return options.failWith(runOptions?.input ?? "");
    if (args[0] !== "-i") return execute([...args]);
    const lines = (runOptions?.input ?? "").split("\n").filter(Boolean);
    return lines.map((line) => execute(splitSecurityLine(line))).pop() ?? ok("");
  };
  return { run, items, argvSeen };
}

function ok(stdout: string): CommandResult {
  return { exitCode: 0, stdout, stderr: "" };
}

const tricky = `p"a's s\\w\\"o rd -w "x" \\`;

describe("macKeychainCommand", () => {
  it("sends the secret on stdin to `security -i`, never in argv", () => {
    const cmd = macKeychainCommand({
      op: "set",
      service: "local-brain",
      account: "backup-key",
      secret: tricky,
    });
    expect(cmd.command).toBe("security");
    expect(cmd.args).toEqual(["-i"]);
    expect(cmd.input?.endsWith("\n")).toBe(true);
    expect(cmd.input?.split("\n")).toHaveLength(2); // exactly one command line
    expect(splitSecurityLine(cmd.input?.trimEnd() ?? "")).toEqual([
      "add-generic-password",
      "-U",
      "-s",
      "local-brain",
      "-a",
      "backup-key",
      "-w",
      tricky,
    ]);
  });

  it("quotes service and account names too", () => {
    const cmd = macKeychainCommand({ op: "set", service: 'my "svc"', account: "a b\\", secret: "x" });
    expect(splitSecurityLine(cmd.input?.trimEnd() ?? "").slice(2, 6)).toEqual([
      "-s",
      'my "svc"',
      "-a",
      "a b\\",
    ]);
  });

  it("reads and deletes with plain arguments (no secret involved)", () => {
    expect(macKeychainCommand({ op: "get", service: "s", account: "a" }).args).toEqual([
      "find-generic-password",
      "-s",
      "s",
      "-a",
      "a",
      "-w",
    ]);
    expect(macKeychainCommand({ op: "delete", service: "s", account: "a" }).args[0]).toBe(
      "delete-generic-password",
    );
  });

  it.each([
    ["a newline in the secret", { service: "s", account: "a", secret: "one\ntwo" }, /printable ASCII/],
    ["a newline in the service", { service: "s\n", account: "a", secret: "x" }, /printable ASCII/],
    ["a non-ASCII secret", { service: "s", account: "a", secret: "ünï" }, /printable ASCII/],
    ["an empty secret", { service: "s", account: "a", secret: "" }, /must not be empty/],
    ["an overlong line", { service: "s", account: "a", secret: "x".repeat(5000) }, /too long/],
  ])("refuses %s", (_name, request, pattern) => {
    expect(() => macKeychainCommand({ op: "set", ...request })).toThrow(pattern);
  });
});

describe("createMacKeychain with a stand-in `security`", () => {
  it("stores, reads, replaces and deletes", async () => {
    const security = fakeSecurity();
    const store = createMacKeychain({ run: security.run });
    expect(store.name).toBe("macOS Keychain");
    expect(await store.get("local-brain", "backup-key")).toBeNull();
    await store.set("local-brain", "backup-key", tricky);
    expect(security.items.get("local-brain/backup-key")).toBe(tricky);
    expect(await store.get("local-brain", "backup-key")).toBe(tricky);
    await store.set("local-brain", "backup-key", "second");
    expect(await store.get("local-brain", "backup-key")).toBe("second");
    await store.delete("local-brain", "backup-key");
    await store.delete("local-brain", "backup-key"); // deleting nothing is fine
    expect(await store.get("local-brain", "backup-key")).toBeNull();
    for (const argv of security.argvSeen) {
      expect(argv.join(" ")).not.toContain("second");
      expect(argv.join(" ")).not.toContain(tricky);
    }
  });

  it("turns a failing Keychain into secret_store_unavailable without leaking the secret", async () => {
    // The worst case: a tool that echoes its whole input line in its error message.
    const locked = (input: string): CommandResult => ({
      exitCode: 36,
      stdout: "",
      stderr: `security: ${input.trim()}: User interaction is not allowed.`,
    });
    const store = createMacKeychain({ run: fakeSecurity({ failWith: locked }).run });
    for (const call of [
      () => store.get("s", "a"),
      () => store.set("s", "a", "s3cret-value"),
      () => store.delete("s", "a"),
    ]) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isBrainError(err, "secret_store_unavailable")).toBe(true);
      expect((err as Error).message).toMatch(/User interaction is not allowed.*exit status 36/);
      expect((err as Error).message).not.toContain("s3cret-value");
      expect((err as { hint: string }).hint).toMatch(/Unlock the login keychain/);
    }
  });

  it("reports a missing or hanging `security` as unavailable", async () => {
    const store = createMacKeychain({
      run: async () => ({
        exitCode: null,
        stdout: "",
        stderr: "",
        failure: { kind: "timeout", message: "security did not answer within 60000 ms" },
      }),
    });
    await expect(store.get("s", "a")).rejects.toMatchObject({
      code: "secret_store_unavailable",
      message: expect.stringMatching(/did not answer/),
    });
  });
});
