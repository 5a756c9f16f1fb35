import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/core/db/open.ts";
import { systemClock } from "../src/core/base/index.ts";
import { createEntryStore } from "../src/core/store/entries.ts";
import { ROOT, cleanEnv, runNode } from "./support/cli.ts";
import { tempDir } from "./support/tmp.ts";
import { holdLock } from "./support/hold-lock.ts";

const WRITER = path.join(ROOT, "test", "support", "writer.ts");

describe("several processes on one database", () => {
  it("two processes capturing 1,000 entries each at once: all 2,000 saved, no busy errors", async () => {
    const db = path.join(tempDir(), "brain.db");
    openDatabase(db).close();
    const [a, b] = await Promise.all([
      runNode([WRITER, db, "1000", "alpha"]),
      runNode([WRITER, db, "1000", "beta"]),
    ]);
    expect(a.stderr + b.stderr).toBe("");
    expect([a.code, b.code]).toEqual([0, 0]);
    const handle = openDatabase(db);
    const rows = handle.prepare("SELECT tag, count(*) AS n FROM entry_tags GROUP BY tag ORDER BY tag").all();
    expect(rows).toEqual([
      { tag: "alpha", n: 1000 },
      { tag: "beta", n: 1000 },
    ]);
    expect(
      handle.prepare("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'entry'").pluck().get(),
    ).toBe(2000);
    handle.close();
  });

  it("a capture takes the write lock once another process lets it go, and gives up at its busy timeout", async () => {
    const file = path.join(tempDir(), "brain.db");
    const db = openDatabase(file, { busyTimeoutMs: 5000 });
    const entries = createEntryStore(db, systemClock);
    // Held for a moment: the capture waits (trying every millisecond) and is saved, and the
    // connection's busy timeout is what it was.
    const brief = await holdLock(file, 300);
    expect(entries.capture({ text: "waited for the lock" }).status).toBe("created");
    expect(await brief.done).toBe(0);
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
    // Held past the busy timeout: the capture fails as SQLite's own wait would, saving nothing.
    const long = await holdLock(file, 6500);
    let error: unknown;
    try {
      entries.capture({ text: "never saved" });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: "SQLITE_BUSY", message: "database is locked" });
    expect(await long.done).toBe(0);
    expect(entries.list().map((e) => e.text)).toEqual(["waited for the lock"]);
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
    db.close();
  }, 20_000);

  it("a writer killed with SIGKILL mid-transaction leaves every committed entry and a sound database", async () => {
    const db = path.join(tempDir(), "brain.db");
    openDatabase(db).close();
    const committed = new Set<number>();
    for (let round = 0; round < 25; round++) {
      const ids = await killWriterAfter(db, 40 + ((round * 37) % 160), round % 2 === 0 ? 1 : 50);
      for (const id of ids) committed.add(id);
      const handle = openDatabase(db);
      try {
        expect(handle.pragma("integrity_check", { simple: true })).toBe("ok");
        handle.exec("INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)");
        const present = new Set(handle.prepare("SELECT id FROM entries").pluck().all() as number[]);
        const missing = [...committed].filter((id) => !present.has(id));
        expect(missing).toEqual([]);
      } finally {
        handle.close();
      }
    }
    expect(committed.size).toBeGreaterThan(0);
  });
});

/** Starts a writer, kills it with SIGKILL after `ms`, and returns the ids it reported committed. */
function killWriterAfter(db: string, ms: number, batch: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, db, "1000000", `kill`, String(batch)], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("error", reject);
    // Count from the first commit, so the kill lands while it is writing, not while Node starts.
    let timer: NodeJS.Timeout | undefined;
    child.stdout.once("data", () => (timer = setTimeout(() => child.kill("SIGKILL"), ms)));
    child.on("close", (_code, signal) => {
      clearTimeout(timer);
      if (signal !== "SIGKILL")
        return reject(new Error(`writer ended by itself (${signal}): ${out.slice(-200)}`));
      const lines = out.split("\n");
      lines.pop(); // The last line may be cut off mid-write.
      resolve(lines.filter(Boolean).map(Number));
    });
  });
}
