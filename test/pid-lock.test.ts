import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BrainError } from "../src/core/base/errors.ts";
import { acquirePidLock } from "../src/core/base/pid-lock.ts";
import { tempDir } from "./support/tmp.ts";

const busy = (owner: number) => new BrainError("embedder_running", `held by ${owner}`);

describe("pid lock", () => {
  it("is taken once, refused while its owner lives, and free after release", () => {
    const lock = path.join(tempDir(), "x.lock");
    const release = acquirePidLock(lock, busy);
    expect(fs.readFileSync(lock, "utf8")).toBe(String(process.pid));
    fs.writeFileSync(lock, String(process.ppid));
    expect(() => acquirePidLock(lock, busy)).toThrow(`held by ${process.ppid}`);
    fs.writeFileSync(lock, String(process.pid));
    release();
    expect(fs.existsSync(lock)).toBe(false);
    acquirePidLock(lock, busy)();
    expect(fs.readdirSync(path.dirname(lock))).toEqual([]);
  });

  it("takes over a lock whose owner is dead", () => {
    const lock = path.join(tempDir(), "x.lock");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    fs.writeFileSync(lock, dead.stdout);
    const release = acquirePidLock(lock, busy);
    expect(fs.readFileSync(lock, "utf8")).toBe(String(process.pid));
    release();
  });
});
