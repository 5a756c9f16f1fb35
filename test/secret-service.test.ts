import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectSecretStore } from "../src/core/adapters/keychain.ts";
import type { CommandRunner } from "../src/core/adapters/secret-cli.ts";
import { createSecretServiceStore } from "../src/core/adapters/secret-service.ts";
import { isBrainError } from "../src/core/base/errors.ts";
import { MemorySecretStore } from "./support/memory-secret-store.ts";
import { ON_LINUX, requireSecretServiceTools, WITH_SECRET_SERVICE } from "./support/secret-service.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const adapter = pathToFileURL(path.join(root, "src", "core", "adapters", "secret-service.ts")).href;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "brain-secrets-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs a small Node program against the real adapter inside a private Secret Service session. */
function runInSecretService(body: string, env: NodeJS.ProcessEnv = {}): unknown {
  requireSecretServiceTools();
  const program = path.join(dir, `program-${Math.random().toString(16).slice(2)}.mjs`);
  fs.writeFileSync(
    program,
    `import { createSecretServiceStore } from ${JSON.stringify(adapter)};
import { execFileSync } from "node:child_process";
const store = createSecretServiceStore();
const out = {};
try {
${body}
} catch (err) {
  out.error = { code: err.code, message: err.message, hint: err.hint };
}
console.log(JSON.stringify(out));
`,
  );
  const child = spawnSync(WITH_SECRET_SERVICE, [process.execPath, program], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  const lastLine = child.stdout.trim().split("\n").pop() ?? "";
  if (child.status !== 0 || !lastLine.startsWith("{")) {
    throw new Error(`The program failed (status ${child.status}):\n${child.stdout}\n${child.stderr}`);
  }
  return JSON.parse(lastLine);
}

describe.runIf(ON_LINUX)("the real Secret Service (gnome-keyring in a private D-Bus session)", () => {
  it("stores, reads, replaces and deletes a secret", () => {
    const first = Buffer.from("0123456789abcdef0123456789abcdef").toString("base64");
    const second = 'with "quotes", \\backslashes\\, ünïcødé\nand a trailing newline\n';
    const out = runInSecretService(`
      const [s, a] = ["local-brain-test", "backup-key"];
      out.before = await store.get(s, a);
      await store.set(s, a, ${JSON.stringify(first)});
      out.afterSet = await store.get(s, a);
      // Another client of the same Secret Service sees it: the secret really is in the keyring.
      out.viaSecretTool = execFileSync("secret-tool", ["lookup", "service", s, "account", a], { encoding: "utf8" });
      await store.set(s, a, ${JSON.stringify(second)});
      out.afterReplace = await store.get(s, a);
      out.otherAccount = await store.get(s, "other");
      await store.delete(s, a);
      out.afterDelete = await store.get(s, a);
      await store.delete(s, a);
      out.deletedTwice = true;
    `);
    expect(out).toEqual({
      before: null,
      afterSet: first,
      viaSecretTool: first,
      afterReplace: second,
      otherAccount: null,
      afterDelete: null,
      deletedTwice: true,
    });
  });

  it("refuses with secret_store_unavailable when the keyring is locked", () => {
    const out = runInSecretService(`await store.set("local-brain-test", "backup-key", "s3cret-value");`, {
      WITH_SECRET_SERVICE_LOCKED: "1",
    }) as { error?: { code: string; message: string; hint: string } };
    expect(out.error?.code).toBe("secret_store_unavailable");
    expect(out.error?.message).toMatch(/could not store the secret/);
    expect(out.error?.message).not.toContain("s3cret-value");
    expect(out.error?.hint).toMatch(/unlocked keyring/);
  });
});

describe("no Secret Service", () => {
  it.runIf(ON_LINUX)(
    "refuses every call when secret-tool is installed but there is no D-Bus session",
    async () => {
      requireSecretServiceTools();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(dir, "no-bus")}`,
      };
      delete env.DISPLAY;
      const store = createSecretServiceStore({ env });
      for (const call of [
        () => store.get("local-brain-test", "backup-key"),
        () => store.set("local-brain-test", "backup-key", "s3cret-value"),
        () => store.delete("local-brain-test", "backup-key"),
      ]) {
        const err = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isBrainError(err, "secret_store_unavailable")).toBe(true);
        expect((err as Error).message).toMatch(/not reachable \(no D-Bus session\?\): .*Could not connect/);
        expect((err as Error).message).not.toContain("s3cret-value");
      }
    },
  );

  it("refuses when secret-tool is not installed", async () => {
    const empty = fs.mkdtempSync(path.join(dir, "empty-path-"));
    expect(() => detectSecretStore("linux", { env: { PATH: empty } })).toThrow(
      /`secret-tool`.*not installed/,
    );
    try {
      detectSecretStore("linux", { env: { PATH: empty } });
    } catch (err) {
      expect(isBrainError(err, "secret_store_unavailable")).toBe(true);
      expect((err as { hint: string }).hint).toMatch(/apt-get install gnome-keyring libsecret-tools/);
    }
    const store = createSecretServiceStore({ env: { PATH: empty } });
    await expect(store.get("s", "a")).rejects.toMatchObject({
      code: "secret_store_unavailable",
      message: expect.stringMatching(/not installed/),
    });
  });
});

describe("detectSecretStore", () => {
  it("picks the Keychain on macOS, and the Secret Service on Linux when secret-tool is on PATH", () => {
    const bin = fs.mkdtempSync(path.join(dir, "bin-"));
    fs.writeFileSync(path.join(bin, "secret-tool"), "#!/bin/sh\n", { mode: 0o755 });
    expect(detectSecretStore("darwin").name).toBe("macOS Keychain");
    expect(detectSecretStore("linux", { env: { PATH: bin } }).name).toBe("Secret Service");
  });

  it("refuses platforms without an adapter", () => {
    expect(() => detectSecretStore("win32")).toThrow(/no secret store adapter for win32/);
  });
});

describe("the Secret Service adapter's commands", () => {
  it("passes the secret on stdin, never in the arguments", async () => {
    const calls: Array<{ args: readonly string[]; input?: string }> = [];
    const run: CommandRunner = async (_command, args, options) => {
      calls.push({ args, input: options?.input });
      return { exitCode: 0, stdout: "", stderr: "" };
    };
    await createSecretServiceStore({ run }).set("local-brain", "backup-key", "s3cret-value");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.input).toBe("s3cret-value");
    expect(calls[0]?.args.join(" ")).not.toContain("s3cret-value");
    expect(calls[0]?.args).toEqual([
      "store",
      "--label=Local Brain: local-brain (backup-key)",
      "service",
      "local-brain",
      "account",
      "backup-key",
    ]);
  });

  it("refuses empty names and secrets before running anything", async () => {
    const run: CommandRunner = async () => {
      throw new Error("must not run");
    };
    const store = createSecretServiceStore({ run });
    await expect(store.set("s", "a", "")).rejects.toMatchObject({ code: "bad_input" });
    await expect(store.get("", "a")).rejects.toMatchObject({ code: "bad_input" });
  });
});

describe("MemorySecretStore", () => {
  it("behaves like a store and can play a broken one", async () => {
    const store = new MemorySecretStore({ [MemorySecretStore.key("s", "a")]: "one" });
    expect(await store.get("s", "a")).toBe("one");
    await store.set("s", "b", "two");
    expect(store.size).toBe(2);
    await store.delete("s", "a");
    expect(await store.get("s", "a")).toBeNull();
    const { BrainError } = await import("../src/core/base/errors.ts");
    store.failure = new BrainError("secret_store_unavailable", "locked");
    await expect(store.get("s", "b")).rejects.toMatchObject({ code: "secret_store_unavailable" });
  });
});
