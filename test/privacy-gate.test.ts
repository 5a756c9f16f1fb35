import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.ts";

/**
 * Structural check: memory text leaves the process only at known places, and each of them goes
 * through the privacy gate. A new place (an MCP tool or resource registered elsewhere, a new call
 * to a chat model or an embedder, a result built outside gate.ts) fails here until it is wired
 * through the gate and listed.
 */

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = path.join(dir, d.name);
    if (d.isDirectory()) return sources(rel);
    return /\.tsx?$/.test(d.name) ? [rel] : [];
  });
}

/** Files under src/ whose code (comments removed) matches `pattern`. */
function filesMatching(pattern: RegExp): string[] {
  return sources("src")
    .filter((file) => {
      const code = fs
        .readFileSync(path.join(ROOT, file), "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "");
      return pattern.test(code);
    })
    .sort();
}

function read(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), "utf8");
}

describe("every road out passes the gate", () => {
  it("registers MCP tools and resources only where each call opens an egress", () => {
    expect(filesMatching(/\.(registerTool|registerResource|registerPrompt|tool|resource|prompt)\(/)).toEqual([
      "src/mcp/resources.ts",
      "src/mcp/tool.ts",
    ]);
    expect(read("src/mcp/tool.ts")).toMatch(/openEgress\(ctx,[\s\S]*isReleased\(result\)/);
    const resources = read("src/mcp/resources.ts");
    expect(resources.match(/openEgress\(/g)).toHaveLength(3);
    expect(resources.match(/release\(out,/g)).toHaveLength(3);
  });

  it("builds MCP results only through the gate", () => {
    // results.ts: tool errors; transport.ts: the error for an over-long request. Neither holds memory text.
    expect(filesMatching(/\bcontent:\s*\[|structuredContent:/)).toEqual([
      "src/mcp/gate.ts",
      "src/mcp/results.ts",
      "src/mcp/transport.ts",
    ]);
    for (const file of ["src/mcp/tools.ts", "src/mcp/tools-graph.ts", "src/mcp/tools-ask.ts"]) {
      const code = read(file);
      const replies = code.match(/\breply\(/g)?.length ?? 0;
      expect(replies, file).toBeGreaterThan(0);
      expect(code.match(/\breply\(out,/g)?.length, file).toBe(replies);
    }
  });

  it("calls chat models and embedders only where the gate decides what they get", () => {
    // ollama-structured.ts: the structured model, which enrichment and the digest use only when it is
    // on this machine (job.ts checks `model.local`, digest.ts `assertLocal`).
    expect(filesMatching(/\.chat\(/)).toEqual([
      "src/core/adapters/ollama-chat.ts",
      "src/core/adapters/ollama-structured.ts",
      "src/core/ask/rerank.ts",
      "src/core/ask/send.ts",
    ]);
    // embed-brain.ts: the lazy Ollama embedder; semantic.ts: the query, through embed-brain.ts's queryEmbedder.
    expect(filesMatching(/(?<!brain\(\)|brain)\.embed\(/)).toEqual([
      "src/core/adapters/ollama-embedder.ts",
      "src/core/embed-brain.ts",
      "src/core/embed/embedder.ts",
      "src/core/privacy/egress-embed.ts",
      "src/core/search/semantic.ts",
    ]);
    expect(read("src/core/ask/send.ts")).toMatch(/egress\.pass[\s\S]*egress\.send[\s\S]*model\.chat\(/);
    expect(read("src/core/ask/ask.ts")).toMatch(/localDestination\.class !== "local"[\s\S]*rerank\(/);
    expect(read("src/core/embed/embedder.ts")).toMatch(
      /egress\?\.withheld[\s\S]*egress\?\.record[\s\S]*embedBatch/,
    );
    expect(read("src/core/embed-brain.ts")).toMatch(/queryEmbedder\(/);
  });

  it("gives the Anthropic SDK its endpoint explicitly, never from the environment", () => {
    const adapter = read("src/core/adapters/anthropic.ts");
    expect(adapter).toMatch(/\n\s+baseURL: string;/);
    expect(filesMatching(/new Anthropic\(/)).toEqual(["src/core/adapters/anthropic.ts"]);
  });
});
