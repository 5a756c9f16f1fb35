import path from "node:path";
import { describe, expect, it } from "vitest";
import { runBrain } from "./support/cli.ts";
import { startMcp, textOf } from "./support/mcp-client.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { closedPort } from "./support/net.ts";
import { tempDir } from "./support/tmp.ts";

/**
 * `brain search --mode semantic` asks for meaning search alone: when it cannot run, the command
 * fails with the reason instead of saying that nothing matches. Hybrid search falls back to
 * keywords and says so.
 */
describe("brain search when meaning search cannot run", () => {
  it("fails with the reason in semantic mode, exit 1, and falls back to keywords in hybrid mode", async () => {
    const db = path.join(tempDir(), "brain.db");
    const ollama = await FakeOllamaServer.start();
    try {
      expect((await runBrain(["capture", "salary review in march"], { db })).code).toBe(0);
      expect((await runBrain(["embed"], { db, env: { OLLAMA_HOST: ollama.url } })).code).toBe(0);
    } finally {
      await ollama.close();
    }
    const host = `http://127.0.0.1:${await closedPort()}`;
    const search = (...args: string[]) =>
      runBrain(["search", "salary", ...args], { db, env: { OLLAMA_HOST: host } });

    const hybrid = await search("--mode", "hybrid", "--json");
    expect(hybrid).toMatchObject({ code: 0, stderr: "" });
    const response = JSON.parse(hybrid.stdout) as { notices: string[]; results: { id: number }[] };
    expect(response.results.map((r) => r.id)).toEqual([1]);
    expect(response.notices).toHaveLength(1);
    // The reason is the embedder's (adapters/ollama.ts); hybrid search adds what it did instead.
    const [, reason] = /^(Meaning search is unavailable: .+) Showing keyword results\.$/.exec(
      response.notices[0]!,
    )!;
    expect(reason).toMatch(
      new RegExp(
        `^Meaning search is unavailable: Ollama is not reachable at ${host.replace(/\./g, "\\.")}\\b.*\`ollama serve\``,
      ),
    );
    for (const json of [[], ["--json"]]) {
      expect(await search("--mode", "semantic", ...json)).toMatchObject({
        code: 1,
        stdout: "",
        stderr: `brain: ${reason} Keyword and hybrid search work meanwhile.\n`,
      });
    }
    // The MCP tool answers the same way: an error with the reason, not "Nothing in memory matches".
    const mcp = await startMcp(db, { env: { OLLAMA_HOST: host } });
    try {
      const result = await mcp.call("search", { query: "salary", mode: "semantic" });
      expect({ isError: result.isError, text: textOf(result) }).toEqual({
        isError: true,
        text: `${reason} Keyword and hybrid search work meanwhile.`,
      });
    } finally {
      await mcp.close();
    }
  });

  it("fails in semantic mode before anything was embedded, with the command that embeds", async () => {
    const db = path.join(tempDir(), "brain.db");
    expect((await runBrain(["capture", "salary review in march"], { db })).code).toBe(0);
    expect(await runBrain(["search", "salary", "--mode", "semantic"], { db })).toMatchObject({
      code: 1,
      stdout: "",
      stderr:
        "brain: Meaning search has no vectors yet: run `brain embed` (the background job does it every 5 minutes). Keyword and hybrid search work meanwhile.\n",
    });
  });
});
