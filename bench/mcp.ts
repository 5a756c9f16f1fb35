import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createBrain } from "../src/core/brain.ts";
import { resolveConfig } from "../src/core/base/config.ts";
import { createMcpServer } from "../src/mcp/server.ts";
import { percentile, row, type Row } from "./lib.ts";
import { queryWords, type BenchDb } from "./store.ts";

/**
 * The privacy gate's cost: an MCP `search` round trip through the official SDK client (in memory,
 * so the transport's own time stays out) with the egress ledger on, as shipped, and off. The two
 * servers run on the same database and the calls alternate, so both see the same cache and load.
 */
export async function benchMcp(db: BenchDb): Promise<Row[]> {
  const on = await connect(db, true);
  const off = await connect(db, false);
  try {
    const words = queryWords(db, 300);
    const call = (c: Client, i: number) =>
      c.callTool({
        name: "search",
        arguments: { query: words[i % words.length]!, mode: "keyword", limit: 10 },
      });
    for (let i = 0; i < 20; i++) await Promise.all([call(on.client, i), call(off.client, i)]);
    const times = { on: [] as number[], off: [] as number[] };
    for (let i = 0; i < 300; i++) {
      for (const [name, side] of i % 2
        ? ([
            ["on", on],
            ["off", off],
          ] as const)
        : ([
            ["off", off],
            ["on", on],
          ] as const)) {
        const start = performance.now();
        await call(side.client, i);
        times[name].push(performance.now() - start);
      }
    }
    const size = db.size.toLocaleString("en");
    const added = percentile(times.on, 50) - percentile(times.off, 50);
    return [
      row(
        "MCP search round trip, ledger on",
        size,
        times.on,
        db.size >= 100_000 ? "< 1 ms added at p50" : "",
        `added p50 ${added.toFixed(2)} ms`,
      ),
      row("MCP search round trip, ledger off", size, times.off),
    ];
  } finally {
    await on.close();
    await off.close();
  }
}

async function connect(db: BenchDb, ledger: boolean) {
  const brain = createBrain(resolveConfig({ dbPath: db.dbPath, offsiteDir: null }, {}), {
    egressLedger: ledger,
  });
  const { server } = createMcpServer(brain, { version: "bench", log: () => {} });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(clientSide);
  return {
    client,
    close: async () => {
      await client.close();
      brain.close();
    },
  };
}
