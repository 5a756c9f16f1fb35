import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBrain } from "../src/core/brain.ts";
import { resolveConfig } from "../src/core/base/config.ts";
import { listLedger } from "../src/core/privacy/egress-ledger.ts";
import { ROOT, runBrain, runNode } from "./support/cli.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { startMcp, type McpSession } from "./support/mcp-client.ts";
import { tempDir } from "./support/tmp.ts";

/**
 * Every read-only MCP call writes a ledger row. With several MCP servers, the embedder, a backup
 * and a capture process all writing to the one database at once, no row may be lost and no call
 * may fail.
 */

const SERVERS = 3;
const CALLS = 40;
let ollama: FakeOllamaServer;
const sessions: McpSession[] = [];

beforeEach(async () => {
  ollama = await FakeOllamaServer.start({ dimensions: 1024 });
});
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  await ollama.close();
});

describe("the ledger under load", () => {
  it("keeps one row per MCP call while servers, the embedder, a backup and a writer share the database", async () => {
    const dir = tempDir();
    const db = path.join(dir, "brain.db");
    const seed = createBrain(resolveConfig({ dbPath: db, offsiteDir: null }, {}));
    seed.entries.captureMany(
      Array.from({ length: 200 }, (_, i) => ({
        text: `soak note ${i} about billing ${i % 7 ? "" : "#private"}`,
      })),
    );
    seed.close();
    const env = { OLLAMA_HOST: ollama.url };
    for (let s = 0; s < SERVERS; s++) sessions.push(await startMcp(db, { env, name: `soak-${s}` }));
    const drive = async (session: McpSession) => {
      const failed: string[] = [];
      for (let i = 0; i < CALLS; i++) {
        const tool = ["search", "recent", "get"][i % 3]!;
        const args =
          tool === "search"
            ? { query: `billing ${i}`, mode: "keyword" }
            : tool === "get"
              ? { id: 1 + i }
              : {};
        const result = await session.call(tool, args);
        if (result.isError) failed.push(JSON.stringify(result.content));
      }
      return failed;
    };
    const key = randomBytes(32).toString("base64");
    const backup = runNode(
      [path.join(ROOT, "test/support/backup-child.ts"), db, path.join(dir, "backups"), ""],
      {
        input: key,
      },
    );
    const embed = runBrain(["embed"], { db, env });
    const writer = runNode([path.join(ROOT, "test/support/writer.ts"), db, "300", "soakwriter", "5"]);
    const failures = (await Promise.all(sessions.map(drive))).flat();
    const [b, e, w] = await Promise.all([backup, embed, writer]);
    for (const s of sessions.splice(0)) await s.close();
    expect(failures).toEqual([]);
    expect([b.code, e.code, w.code], `${b.stderr}${e.stderr}${w.stderr}`).toEqual([0, 0, 0]);
    const check = createBrain(resolveConfig({ dbPath: db, offsiteDir: null }, {}));
    const rows = listLedger(check.db, { limit: 10_000 });
    check.close();
    const perServer = new Map<string, number>();
    for (const row of rows) perServer.set(row.destination, (perServer.get(row.destination) ?? 0) + 1);
    expect(Object.fromEntries(perServer)).toEqual(
      Object.fromEntries(Array.from({ length: SERVERS }, (_, s) => [`soak-${s} 1.0.0`, CALLS])),
    );
  });
});
