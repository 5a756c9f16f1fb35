import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectVersion, runBrain } from "./support/cli.ts";
import { tempDir } from "./support/tmp.ts";
import { countEntries } from "./support/db.ts";

describe("brain CLI", () => {
  it("prints the project's version, however it was started", async () => {
    const version = projectVersion();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    // npm sets npm_package_version for `npm run`; a launchd job or a terminal does not.
    const run = await runBrain(["--version"], { env: { npm_package_version: "" } });
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("captures and finds an entry with --json", async () => {
    const db = path.join(tempDir(), "brain.db");
    const captured = await runBrain(
      ["capture", "switched the team to pnpm #tooling", "--json", "--kind", "decision"],
      { db },
    );
    expect(captured.stderr).toBe("");
    expect(captured.code).toBe(0);
    const entry = JSON.parse(captured.stdout);
    expect(entry).toMatchObject({ id: 1, kind: "decision", tags: ["tooling"], status: "created" });

    const found = await runBrain(["search", "pnpm", "--json", "--db", db]);
    expect(found.code).toBe(0);
    const response = JSON.parse(found.stdout);
    expect(response.results[0]).toMatchObject({
      id: entry.id,
      text: "switched the team to pnpm #tooling",
      kind: "decision",
      tags: ["tooling"],
      source: null,
      created_at: entry.created_at,
      score: expect.any(Number),
      ranks: { keyword: 1 },
    });
    expect(response.results[0].snippet).toContain("**pnpm**");
  });

  it("says a text captured twice is already saved, exit 0, with duplicate_of in --json", async () => {
    const db = path.join(tempDir(), "brain.db");
    await runBrain(["capture", "switched the team to pnpm"], { db });
    const again = await runBrain(["capture", "switched the team to pnpm"], { db });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^already saved as entry 1: +1 {2}note/);
    const json = await runBrain(["capture", "switched the team to pnpm", "--json"], { db });
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 1, status: "duplicate", duplicate_of: 1 });
    expect(countEntries(db)).toBe(1);
  });

  it("reads the text from stdin with - and when piped", async () => {
    const db = path.join(tempDir(), "brain.db");
    const dash = await runBrain(["capture", "-", "--json"], {
      db,
      input: "from stdin, line one\nline two\n",
    });
    expect(JSON.parse(dash.stdout).text).toBe("from stdin, line one\nline two");
    const piped = await runBrain(["capture", "--json"], { db, input: Buffer.from([0x68, 0x69, 0xff, 0x21]) });
    expect(JSON.parse(piped.stdout).text).toBe("hi\uFFFD!");
  });

  it("gets, lists, edits and deletes", async () => {
    const db = path.join(tempDir(), "brain.db");
    await runBrain(["capture", "first #a"], { db });
    await runBrain(["capture", "second", "--kind", "fact"], { db });
    expect(JSON.parse((await runBrain(["list", "--json", "--kind", "fact"], { db })).stdout)).toHaveLength(1);
    const edited = await runBrain(["edit", "1", "first, edited", "--json"], { db });
    expect(JSON.parse(edited.stdout).text).toBe("first, edited");
    const got = JSON.parse((await runBrain(["get", "1", "--history", "--json"], { db })).stdout);
    expect(got.history.map((h: { text: string }) => h.text)).toEqual(["first #a"]);
    await runBrain(["edit", "1", "--kind", "fact"], { db });
    const shown = (await runBrain(["get", "1", "--history"], { db })).stdout;
    expect(
      shown
        .split("\n")
        .filter((line) => line.startsWith("--- until"))
        .map((l) => l.slice(34)),
    ).toEqual([" (note)", " (note #a)"]);
    expect((await runBrain(["delete", "2"], { db })).code).toBe(0);
    expect(countEntries(db)).toBe(1);
    const status = JSON.parse((await runBrain(["status", "--json"], { db })).stdout);
    expect(status).toMatchObject({ entries: 1, db_path: db, schema_version: expect.any(String) });
  });

  it.each([
    [
      ["capture", "x", "--bogus"],
      /^brain: `brain capture` has no option --bogus: `brain help capture` lists its options\.\n$/,
    ],
    [["capture"], /^brain: The text is empty, so nothing was saved\. /],
    [["capture", "x", "--kind", "memo"], /Unknown kind "memo".*Use one of/],
    [["get"], /is missing an argument/],
    [["get", "abc"], /must be an entry id/],
    [["get", "999"], /no entry with id 999/],
    [["delete", "999"], /no entry with id 999/],
    [["edit", "999", "new"], /no entry with id 999/],
    [
      ["list", "--limit", "-3"],
      /^brain: --limit must be a positive whole number, not "-3"\. For example --limit 10\.\n$/,
    ],
    [["search", "x", "--mode", "magic"], /--mode "magic" is not one of/],
    [["frobnicate"], /Unknown command "frobnicate".*brain help/],
  ])("refuses %j with one line on stderr, a non-zero exit and nothing written", async (args, message) => {
    const db = path.join(tempDir(), "brain.db");
    await runBrain(["capture", "existing"], { db });
    const run = await runBrain(args, { db });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(countEntries(db)).toBe(1);
  });

  it("refuses a file that is not a database without touching it", async () => {
    const dir = tempDir();
    const db = path.join(dir, "notes.txt");
    const fs = await import("node:fs");
    fs.writeFileSync(db, "hello");
    const run = await runBrain(["capture", "x"], { db });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not a SQLite database.*backup/);
    expect(fs.readFileSync(db, "utf8")).toBe("hello");
  });
});
