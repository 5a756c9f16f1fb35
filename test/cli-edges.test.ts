import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BRAIN_BIN, ROOT, cleanEnv, runBrain } from "./support/cli.ts";
import { countEntries } from "./support/db.ts";
import { closedPort } from "./support/net.ts";
import { tempDir, testBrain } from "./support/tmp.ts";

const ISO_HINT = "Use an ISO 8601 time such as 2026-03-01 or 2026-03-01T09:30:00Z.";

/** Runs `brain` and closes its stdout after the first bytes, as `| head -c 5` does. */
function runAndCloseStdout(args: string[], db: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BRAIN_BIN, ...args], {
      cwd: ROOT,
      env: { ...cleanEnv(), BRAIN_DB: db },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdout.once("data", () => child.stdout.destroy());
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("brain: a closed stdout", () => {
  it("ends the command quietly, with status 0, when the reader stops reading", async () => {
    const brain = testBrain();
    const text = "a memory long enough that two thousand of them fill several pipe buffers ".repeat(3);
    brain.db.transaction(() => {
      for (let i = 0; i < 2000; i++) brain.entries.capture({ text: `${i} ${text}` });
    })();
    const db = brain.config.dbPath;
    brain.close();
    expect(await runAndCloseStdout(["list", "--json", "--limit", "2000"], db)).toEqual({
      code: 0,
      stderr: "",
    });
    expect(await runAndCloseStdout(["search", "memory", "--mode", "keyword", "--limit", "2000"], db)).toEqual(
      {
        code: 0,
        stderr: "",
      },
    );
  });
});

describe("brain: wrong command lines get one sentence and status 2", () => {
  it.each([
    [
      ["capture", "x", "--at", "2025-02-30"],
      `--at "2025-02-30" is not in the calendar: February 2025 has 28 days. ${ISO_HINT}`,
    ],
    [
      ["capture", "x", "--at", "99999-01-01"],
      `--at "99999-01-01" is outside the years 1970 to 9999. ${ISO_HINT}`,
    ],
    [
      ["capture", "x", "--at", "1969-12-31"],
      `--at "1969-12-31" is outside the years 1970 to 9999. ${ISO_HINT}`,
    ],
    [
      ["capture", "x", "--at", "2025-02-28T24:00"],
      `--at "2025-02-28T24:00" is not in the calendar: hours go up to 23, minutes and seconds up to 59. ${ISO_HINT}`,
    ],
    [["capture", "x", "--at", "March 3"], `--at "March 3" is not a time. ${ISO_HINT}`],
    [
      ["list", "--since", "2025-04-31"],
      `--since "2025-04-31" is not in the calendar: April 2025 has 30 days. ${ISO_HINT}`,
    ],
    [
      ["list", "--until", "10000-01-01"],
      `--until "10000-01-01" is outside the years 1970 to 9999. ${ISO_HINT}`,
    ],
    [
      ["search", "x", "--since", "2025-13-01"],
      `--since "2025-13-01" is not in the calendar: there is no month 13. ${ISO_HINT}`,
    ],
    [["list", "--limit", "-3"], '--limit must be a positive whole number, not "-3". For example --limit 10.'],
    [["list", "-n", "-3"], '--limit must be a positive whole number, not "-3". For example --limit 10.'],
    [
      ["capture", "x", "--bogus"],
      "`brain capture` has no option --bogus: `brain help capture` lists its options.",
    ],
    [["search", "x", "-z"], "`brain search` has no option -z: `brain help search` lists its options."],
    [["list", "--kind"], "--kind needs a value: `brain help list` shows what it takes."],
    [["list", "--json=yes"], "--json takes no value: write it alone."],
  ])("%j", async (args, message) => {
    const db = path.join(tempDir(), "brain.db");
    await runBrain(["capture", "existing"], { db });
    const run = await runBrain(args, { db });
    expect(run).toMatchObject({ code: 2, stdout: "", stderr: `brain: ${message}\n` });
    expect(countEntries(db)).toBe(1);
  });

  it("still takes a real leap day and the first and last years", async () => {
    const db = path.join(tempDir(), "brain.db");
    for (const at of ["2024-02-29", "1970-01-01", "9999-12-31T23:59:59Z"]) {
      expect((await runBrain(["capture", at, "--at", at], { db })).code).toBe(0);
    }
    const list = JSON.parse((await runBrain(["list", "--json"], { db })).stdout) as { created_at: string }[];
    expect(list.map((e) => e.created_at)).toEqual([
      "9999-12-31T23:59:59.000Z",
      "2024-02-29T00:00:00.000Z",
      "1970-01-01T00:00:00.000Z",
    ]);
  });
});

describe("brain: Ollama problems name their cause", () => {
  it("doctor says the address is wrong when Node refuses its port", async () => {
    const db = path.join(tempDir(), "brain.db");
    const run = await runBrain(["doctor", "--json"], { db, env: { OLLAMA_HOST: "http://127.0.0.1:9" } });
    const checks = JSON.parse(run.stdout) as { name: string; detail: string; fix?: string }[];
    const model = checks.find((c) => c.name === "embedding model")!;
    expect(model.detail).toBe(
      "The Ollama address http://127.0.0.1:9 uses port 9, which Node never connects to (a port reserved for other protocols).",
    );
    expect(model.fix).toBe(
      "Set OLLAMA_HOST (or the Ollama URL preference) to where Ollama listens, usually http://127.0.0.1:11434.",
    );
  });

  it("embed that cannot do its work exits 1 with its reason on stderr, its JSON lines on stdout", async () => {
    const db = path.join(tempDir(), "brain.db");
    await runBrain(["capture", "waiting for a vector"], { db });
    const host = `http://127.0.0.1:${await closedPort()}`;
    const run = await runBrain(["embed"], { db, env: { OLLAMA_HOST: host } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `brain: Ollama is not reachable at ${host} (ECONNREFUSED). Start Ollama: \`ollama serve\`.\n`,
    );
    const events = run.stdout
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { event: string }).event);
    expect(events).toEqual(["start", "error", "done"]);
  });
});
