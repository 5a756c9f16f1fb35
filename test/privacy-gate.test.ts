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

/** A file's code, comments removed. */
function codeOf(file: string): string {
  return fs
    .readFileSync(path.join(ROOT, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
}

/** Files under src/ whose code (comments removed) matches `pattern`. */
function filesMatching(pattern: RegExp): string[] {
  return sources("src")
    .filter((file) => pattern.test(codeOf(file)))
    .sort();
}

function read(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), "utf8");
}

/**
 * What keeps a Raycast AI tool file (src/tools/<name>.ts) from returning memory text past the gate:
 * its default export returns `answerThroughGate(...)`, whose callback hands the Brain and the
 * egress straight to a shared answer (src/mcp/answers.ts); it never reads the Brain itself nor
 * opens one. Returns what is wrong, one line each.
 */
function toolGateProblems(code: string): string[] {
  const problems: string[] = [];
  const body =
    /export default async function \w+\(input: Input(?: = \{\})?\): Promise<string> \{\s*return answerThroughGate\(\s*"[\w-]+",\s*input,\s*\(brain, out\) =>\s*\w+Answer\(brain, out\b/;
  if (!body.test(code))
    problems.push("the default export does not return answerThroughGate(…) with a shared answer");
  if (/\bbrain\s*\??\.|\b(withBrain|openBrain|createBrain)\(|\.egress\b/.test(code)) {
    problems.push("it reads a Brain or opens an egress itself");
  }
  return problems;
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
    // anthropic-tools.ts: Anthropic's message blocks (not MCP results), built from what the agent
    // loop let through the gate (see the test of the agent loop below).
    expect(filesMatching(/\bcontent:\s*\[|structuredContent:/)).toEqual([
      "src/core/adapters/anthropic-tools.ts",
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

  it("gives Raycast AI memory text only through the gate: every tool file returns answerThroughGate", () => {
    const manifest = JSON.parse(read("package.json")) as { tools: { name: string }[] };
    const files = sources("src/tools").sort();
    expect(files).toEqual(
      ["gate", ...manifest.tools.map((t) => t.name)].map((name) => `src/tools/${name}.ts`).sort(),
    );
    for (const tool of manifest.tools) {
      expect(toolGateProblems(read(`src/tools/${tool.name}.ts`)), tool.name).toEqual([]);
    }
    expect(read("src/tools/gate.ts")).toMatch(
      /egress\.open\(RAYCAST_AI,[\s\S]*noted\(out, \(await answer\(brain, out\)\)\.text\)[\s\S]*out\.send\(/,
    );
    expect(filesMatching(/road: "raycast-ai"/)).toEqual(["src/tools/gate.ts"]);
    // Each shared answer lets its memories through the egress before it renders them: directly, or
    // through lineThrough (one entry's line, which passes it first).
    const code = read("src/mcp/answers.ts");
    expect(code).toMatch(
      /function lineThrough\(out: Egress, entry: Entry, max: number\): string \{\s+return out\.pass\(\[entry\]\)/,
    );
    const answers = new Map(
      code
        .split(/\nexport (?:async )?function (?=\w+Answer\()/)
        .slice(1)
        .map((answer) => [answer.slice(0, answer.indexOf("(")), answer]),
    );
    const passes: Record<string, RegExp> = {
      rememberAnswer: /lineThrough\(out, entry,/,
      forgetAnswer: /lineThrough\(out, entry,/,
      searchAnswer: /out\.pass\(response\.results\)/,
      getAnswer: /out\.pass\(\[entry\]\)/,
      recentAnswer: /out\.pass\(brain\.entries\.list\(/,
      relatedAnswer: /out\.pass\(\[start\]\)/,
    };
    expect([...answers.keys()]).toEqual(Object.keys(passes));
    for (const [name, answer] of answers) expect(answer, name).toMatch(passes[name]!);
  });

  it("flags a tool file that returns memory text without the gate (the check itself works)", () => {
    const leaks = [
      `export default async function tool(input: Input): Promise<string> {
        return withBrain((brain) => brain.entries.get(input.id).text);
      }`,
      `export default async function tool(input: Input): Promise<string> {
        return answerThroughGate("get-memory", input, (brain, out) => getAnswer(brain, out, input.id));
      }
      export const peek = (id: number) => withBrain((b) => b.entries.get(id).text);`,
      `export default async function tool(input: Input): Promise<string> {
        return answerThroughGate("get-memory", input, (brain, out) =>
          ({ text: brain.entries.get(input.id).text, data: {} }));
      }`,
    ];
    expect(leaks.map(toolGateProblems)).toEqual([
      [
        "the default export does not return answerThroughGate(…) with a shared answer",
        "it reads a Brain or opens an egress itself",
      ],
      ["it reads a Brain or opens an egress itself"],
      [
        "the default export does not return answerThroughGate(…) with a shared answer",
        "it reads a Brain or opens an egress itself",
      ],
    ]);
  });

  it("calls chat models and embedders only where the gate decides what they get", () => {
    // ollama-structured.ts: the structured model's adapter (its callers: the next test).
    expect(filesMatching(/\.chat\(/)).toEqual([
      "src/core/adapters/ollama-chat.ts",
      "src/core/adapters/ollama-structured.ts",
      "src/core/adapters/ollama-tools.ts",
      "src/core/ask/rerank.ts",
      "src/core/ask/send.ts",
    ]);
    // embed-brain.ts: the lazy Ollama embedder; semantic.ts: the query, through embed-brain.ts's queryEmbedder.
    expect(filesMatching(/(?<!brain\(\)|brain)\.embed\(/)).toEqual([
      "src/core/adapters/ollama-embedder.ts",
      "src/core/embed-brain.ts",
      "src/core/embed/embed-batch.ts",
      "src/core/privacy/egress-embed.ts",
      "src/core/search/semantic.ts",
    ]);
    expect(read("src/core/ask/send.ts")).toMatch(/egress\.pass[\s\S]*egress\.send[\s\S]*model\.chat\(/);
    expect(read("src/core/ask/ask.ts")).toMatch(/localDestination\.class !== "local"[\s\S]*rerank\(/);
    // Each embedding request is recorded first, a batch's entries sent again one by one included.
    expect(read("src/core/embed/embedder.ts")).toMatch(
      /egress\?\.withheld[\s\S]*embedBatch\(embedder, batch, \{ signal, egress \}/,
    );
    expect(read("src/core/embed/embed-batch.ts")).toMatch(
      /const request = async \(\) =>[\s\S]*embedder\.embed\([\s\S]*if \(!egress\) return request\(\);[\s\S]*return egress\.record\(ids, textBytes\(strings\), request\)/,
    );
    // A request an adapter sends again (without `think`) tells the caller first, and every caller
    // of a chat, tool or structured model wires that to its egress (a row for the second request).
    expect(filesMatching(/does not support thinking/)).toEqual(["src/core/adapters/ollama-chat.ts"]);
    for (const file of ["ollama-chat.ts", "ollama-structured.ts", "ollama-tools.ts"]) {
      const code = codeOf(`src/core/adapters/${file}`);
      expect(code.match(/chatWithoutThinkIfRefused\(/g), file).toHaveLength(1);
      expect(code, file).toMatch(/await chatWithoutThinkIfRefused\(body, send, onResend\)/);
    }
    expect(read("src/core/enrich/structured.ts")).toMatch(/if \(round > 1\) options\.onResend\?\.\(\)/);
    for (const [file, out] of [
      ["src/core/ask/send.ts", "egress"],
      ["src/core/agent/loop.ts", "out"],
      ["src/core/enrich/enrich.ts", "out"],
      ["src/core/enrich/digest.ts", "out"],
    ] as const) {
      expect(read(file), file).toMatch(new RegExp(`\\.(chat|turn|generate)\\([^;]*requestOptions\\(${out},`));
    }
    expect(read("src/core/embed-brain.ts")).toMatch(/queryEmbedder\(/);
  });

  it("gives a model calling the memory tools only what passed the gate, and records every request", () => {
    // The adapters (ollama-tools.ts, anthropic-tools.ts) have one caller: the loop's send().
    expect(filesMatching(/\.turn\(/)).toEqual(["src/core/agent/loop.ts"]);
    expect(read("src/core/agent/loop.ts")).toMatch(
      /gate\.open\(input\.destination[\s\S]*out\.pass\(carried\)[\s\S]*out\.send\([\s\S]*settleWith\(out, model\.turn\(/,
    );
    // Each tool call runs through its own screen, and every tool's finding passes it.
    expect(read("src/core/agent/calls.ts")).toMatch(
      /gate\.open\(state\.screen[\s\S]*runAgentTool\(state\.memory, call\.name, call\.arguments, out\)/,
    );
    const tools = read("src/core/agent/tools.ts");
    expect(tools).toMatch(/entries: out\.pass\(found\)/);
    expect(tools.match(/^ {2}tool\(/gm)).toHaveLength(4);
    expect(tools.match(/finding\(/g)).toHaveLength(6);
  });

  it("gives structured models (enrichment, the digest) only what passed the gate", () => {
    // ollama-structured.ts is the adapter; its one caller is a StructuredModel's generate().
    expect(filesMatching(/\.generate\(/)).toEqual(["src/core/enrich/digest.ts", "src/core/enrich/enrich.ts"]);
    expect(read("src/core/enrich/enrich.ts")).toMatch(
      /mayPass\(deps\.destination[\s\S]*egress\.open\(deps\.destination[\s\S]*out\.pass\(\[entry\]\)[\s\S]*out\.pass\(candidates\)[\s\S]*out\.send\([\s\S]*settleWith\(\s*out,\s*deps\.model\.generate\(/,
    );
    expect(read("src/core/enrich/digest.ts")).toMatch(
      /egress\.open\(deps\.route\.destination\(\)[\s\S]*out\.pass\(fitBudget\(out\.screen\(found\)\)\)[\s\S]*out\.send\([\s\S]*settleWith\(\s*out,\s*deps\.route\.model\.generate\(/,
    );
  });

  it("gives the Anthropic SDK its endpoint explicitly, never from the environment", () => {
    const adapter = read("src/core/adapters/anthropic.ts");
    expect(adapter).toMatch(/\n\s+baseURL: string;/);
    expect(filesMatching(/new Anthropic\(/)).toEqual(["src/core/adapters/anthropic.ts"]);
  });
});
