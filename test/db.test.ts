import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/core/db/open.ts";
import { isBrainError } from "../src/core/base/errors.ts";
import { runNode } from "./support/cli.ts";
import { tempDir } from "./support/tmp.ts";

describe("openDatabase", () => {
  it("creates a private file in a private folder with WAL, busy timeout, foreign keys, mmap and sqlite-vec", () => {
    const dir = path.join(tempDir(), "nested", "brain");
    const file = path.join(dir, "brain.db");
    const db = openDatabase(file);
    try {
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(Number(db.pragma("busy_timeout", { simple: true }))).toBeGreaterThanOrEqual(5000);
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(Number(db.pragma("mmap_size", { simple: true }))).toBeGreaterThan(0);
      expect(db.prepare("SELECT vec_version() AS v").get()).toEqual({ v: expect.stringMatching(/^v0\./) });
      const names = db.prepare("SELECT name FROM migrations ORDER BY name").pluck().all();
      expect(names).toContain("001_entries");
      expect(names).toContain("004_entries_fts");
    } finally {
      db.close();
    }
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".new"))).toEqual([]);
  });

  it("applies migrations once when opened again", () => {
    const file = path.join(tempDir(), "brain.db");
    openDatabase(file).close();
    const db = openDatabase(file);
    const count = db.prepare("SELECT count(*) FROM migrations").pluck().get();
    db.close();
    const again = openDatabase(file);
    expect(again.prepare("SELECT count(*) FROM migrations").pluck().get()).toBe(count);
    again.close();
  });

  it.each([
    ["an empty file", Buffer.alloc(0)],
    ["a text file", Buffer.from("these are my notes, not a database\n")],
    ["random bytes", Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 256))],
  ])("refuses %s and leaves it untouched", (_what, content) => {
    const file = path.join(tempDir(), "brain.db");
    fs.writeFileSync(file, content);
    let error: unknown;
    try {
      openDatabase(file);
    } catch (err) {
      error = err;
    }
    expect(isBrainError(error, "not_a_database")).toBe(true);
    expect((error as Error).message).toContain(file);
    expect(fs.readFileSync(file).equals(content)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it("refuses a SQLite header over a corrupt body", () => {
    const file = path.join(tempDir(), "brain.db");
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from("SQLite format 3\0", "latin1"), Buffer.alloc(4096, 0xff)]),
    );
    expect(() => openDatabase(file)).toThrow(/not a SQLite database|Could not/);
  });

  it("refuses a folder that cannot be created instead of hanging", () => {
    // Node's recursive mkdir never returns for some paths, such as a missing folder under /proc.
    const file = process.platform === "linux" ? "/proc/no-such-place/brain.db" : "/dev/null/nested/brain.db";
    expect(() => openDatabase(file)).toThrow(/Could not create the folder/);
  });

  it("lets several processes create the same new database at once", async () => {
    const file = path.join(tempDir(), "brain.db");
    const script = `import { openDatabase } from "./src/core/db/open.ts"; openDatabase(process.argv[1]).close();`;
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runNode(["--input-type=module", "-e", script, file])),
    );
    for (const run of runs) expect(run.stderr).toBe("");
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const db = openDatabase(file);
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
  });
});
