import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../src/core/db/open.ts";
import { insertEgress, type EgressRow } from "../src/core/privacy/egress-ledger.ts";
import { runBrain } from "./support/cli.ts";
import { holdLock } from "./support/hold-lock.ts";
import { startMcp, textOf, type McpSession } from "./support/mcp-client.ts";
import { tempDir } from "./support/tmp.ts";

// An MCP call's ledger row waits at most 200 ms for another process's write lock; then the reply
// goes out and the row is written after it. These tests hold the lock longer than that.

const sessions: McpSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close().catch(() => undefined);
});

interface LedgerRow {
  road: string;
  subject: string;
  entry_ids: number[];
  outcome: string;
}

async function brainWithNote(): Promise<string> {
  const db = path.join(tempDir("brain-spool-"), "brain.db");
  const captured = await runBrain(["capture", "The boathouse key is under the blue flowerpot"], { db });
  expect(captured.code, captured.stderr).toBe(0);
  return db;
}

async function ledgerRows(db: string): Promise<LedgerRow[]> {
  const run = await runBrain(["ledger", "--json"], { db });
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { calls: LedgerRow[] }).calls;
}

async function searchWhileLocked(db: string, lockMs: number) {
  const mcp = await startMcp(db);
  sessions.push(mcp);
  const lock = await holdLock(db, lockMs);
  const result = await mcp.call("search", { query: "boathouse", mode: "keyword" });
  expect(textOf(result)).toContain("The boathouse key is under the blue flowerpot");
  return { mcp, lock };
}

describe("the ledger row of an MCP call that met another process's write lock", () => {
  it("is written once the lock is free, and nothing is left on disk", async () => {
    const db = await brainWithNote();
    const { mcp, lock } = await searchWhileLocked(db, 1500);
    // Kept on disk before the reply went out.
    const spool = path.join(`${db}-ledger`, `${mcp.pid}.jsonl`);
    expect(fs.readFileSync(spool, "utf8").trim().split("\n")).toHaveLength(1);
    expect(await lock.done).toBe(0);
    for (let i = 0; i < 100 && fs.existsSync(`${db}-ledger`); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(fs.existsSync(`${db}-ledger`)).toBe(false);
    const rows = (await ledgerRows(db)).filter((r) => r.road === "mcp");
    expect(rows.map((r) => [r.subject, r.entry_ids, r.outcome])).toEqual([
      [`search {"query":"boathouse","mode":"keyword"}`, [1], "sent"],
    ]);
  });

  it("survives the server killed before it could write it: the next process writes it, once", async () => {
    const db = await brainWithNote();
    const { mcp, lock } = await searchWhileLocked(db, 1500);
    process.kill(mcp.pid, "SIGKILL");
    expect(await lock.done).toBe(0);
    const rows = (await ledgerRows(db)).filter((r) => r.road === "mcp");
    expect(rows.map((r) => [r.subject, r.entry_ids, r.outcome])).toEqual([
      [`search {"query":"boathouse","mode":"keyword"}`, [1], "sent"],
    ]);
    expect(fs.existsSync(`${db}-ledger`)).toBe(false);
    // Opened again: not written twice.
    expect((await ledgerRows(db)).filter((r) => r.road === "mcp")).toHaveLength(1);
  });

  it("a killed server's row that was written before its file was removed is not written twice", async () => {
    const db = await brainWithNote();
    const row = (subject: string, at: number): EgressRow => ({
      at: new Date(at),
      road: "mcp",
      class: "assistant",
      destination: "mcp-test 1.0.0",
      subject,
      entryIds: [1],
      withheld: 0,
      bytes: 120,
      outcome: "sent",
    });
    const [written, waiting] = [row("search boathouse", 1_800_000_000_000), row("get 1", 1_800_000_000_500)];
    // The server wrote its first row, then was killed before it wrote the second or removed its file.
    const handle = openDatabase(db);
    insertEgress(handle, written);
    handle.close();
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    fs.mkdirSync(`${db}-ledger`, { mode: 0o700 });
    const spooled = [written, waiting].map((r) => JSON.stringify({ ...r, at: r.at.getTime() }));
    fs.writeFileSync(path.join(`${db}-ledger`, `${dead}.jsonl`), `${spooled.join("\n")}\n`);
    const rows = (await ledgerRows(db)).filter((r) => r.road === "mcp");
    expect(rows.map((r) => r.subject).sort()).toEqual(["get 1", "search boathouse"]);
    expect(fs.existsSync(`${db}-ledger`)).toBe(false);
  });
});
