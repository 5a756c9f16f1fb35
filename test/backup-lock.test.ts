import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { withBackupLock } from "../src/core/backup/lock.ts";
import { workDirFor } from "../src/core/backup/files.ts";
import { ROOT } from "./support/cli.ts";
import { failure } from "./support/errors.ts";
import { tempDir } from "./support/tmp.ts";

const CHILD = path.join(ROOT, "test", "support", "backup-lock-child.ts");
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Starts a process that holds the lock of `db`; resolves once it holds it and wrote its plaintext. */
function holdLock(db: string): Promise<{ child: ChildProcess; exit: Promise<{ code: number | null }> }> {
  const child = spawn(process.execPath, [CHILD, db], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exit = new Promise<{ code: number | null }>((resolve) =>
    child.on("close", (code) => resolve({ code })),
  );
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      if (d.includes("holding")) resolve({ child, exit });
    });
    void exit.then(({ code }) => reject(new Error(`the child exited (${code}) before holding: ${stderr}`)));
  });
}

describe("withBackupLock", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)(
    "a run stopped with %s removes its plaintext and releases the lock; the next run proceeds",
    async (signal, status) => {
      const db = path.join(tempDir(), "brain.db");
      const workDir = workDirFor(db);
      const { child, exit } = await holdLock(db);
      expect(fs.readdirSync(workDir).sort()).toEqual(["backup.lock", "snapshot-child.db"]);
      // While it runs, the lock is really held.
      const refused = await failure(withBackupLock(db, async () => "ran"));
      expect(refused.code).toBe("backup_failed");
      expect(refused.message).toBe(`Another backup (pid ${child.pid}) is running on this database.`);

      child.kill(signal);
      expect((await exit).code).toBe(status);
      expect(fs.readdirSync(workDir)).toEqual([]);
      expect(await withBackupLock(db, async (dir) => fs.readdirSync(dir))).toEqual(["backup.lock"]);
      expect(fs.readdirSync(workDir)).toEqual([]);
    },
  );

  it("after a run killed outright (SIGKILL), the next run takes the lock and `clean` removes the plaintext", async () => {
    const db = path.join(tempDir(), "brain.db");
    const { child, exit } = await holdLock(db);
    child.kill("SIGKILL");
    await exit;
    expect(fs.readdirSync(workDirFor(db)).sort()).toEqual(["backup.lock", "snapshot-child.db"]);
    const seen = await withBackupLock(db, async (dir) => fs.readdirSync(dir), { clean: true });
    expect(seen).toEqual(["backup.lock"]);
    expect(fs.readdirSync(workDirFor(db))).toEqual([]);
  });

  it("makes the work folder private, and leaves no signal handler behind, also when the work fails", async () => {
    const db = path.join(tempDir(), "brain.db");
    const before = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    await expect(
      withBackupLock(db, async () => {
        expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual(
          before.map((n) => n + 1),
        );
        throw new Error("the disk is full");
      }),
    ).rejects.toThrow("the disk is full");
    expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual(before);
    expect(fs.statSync(workDirFor(db)).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(workDirFor(db))).toEqual([]);
  });
});
