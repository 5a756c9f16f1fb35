import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { startMcp, textOf, type McpSession } from "./support/mcp-client.ts";
import { tempDir } from "./support/tmp.ts";
import { countEntries } from "./support/db.ts";

const sessions: McpSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function open(db: string, options: Parameters<typeof startMcp>[1] = {}): Promise<McpSession> {
  const session = await startMcp(db, options);
  sessions.push(session);
  return session;
}

function freshDb(): string {
  return path.join(tempDir("brain-mcp-"), "brain.db");
}

describe("brain mcp: tools over stdio", () => {
  it("lists its tools with input schemas and annotations, and the entry resources", async () => {
    const mcp = await open(freshDb());
    const { tools } = await mcp.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(
      ["ask", "boot", "forget", "get", "recent", "related", "remember", "search"].sort(),
    );
    const remember = byName.get("remember")!;
    expect(remember.inputSchema.required).toEqual(["text"]);
    expect(remember.inputSchema.properties).toMatchObject({
      text: { type: "string", maxLength: 10 * 1024 * 1024 },
      kind: { enum: ["note", "fact", "preference", "decision", "state"] },
      key: { type: "string" },
      tags: { type: "array", items: { type: "string" } },
    });
    expect(remember.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(byName.get("search")!.inputSchema.properties).toMatchObject({
      query: { type: "string" },
      mode: { enum: ["hybrid", "keyword", "semantic"] },
      limit: { type: "integer", minimum: 1, maximum: 50 },
    });
    expect(byName.get("get")!.inputSchema).toMatchObject({
      required: ["id"],
      properties: { id: { type: "integer" } },
    });
    expect(byName.get("related")!.inputSchema).toMatchObject({
      required: ["target"],
      properties: { target: { anyOf: [{ type: "integer" }, { type: "string" }] }, depth: { maximum: 4 } },
    });
    for (const name of ["search", "get", "recent", "related", "boot"]) {
      expect(byName.get(name)!.annotations, name).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    }
    expect(byName.get("forget")!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    const { resources } = await mcp.client.listResources();
    expect(resources).toContainEqual(
      expect.objectContaining({ uri: "brain://boot", mimeType: "text/markdown" }),
    );
    const { resourceTemplates } = await mcp.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain("brain://entry/{id}");
    expect(mcp.client.getInstructions()).toMatch(/memory/);
  });

  it("remembers, searches, gets, lists recent and forgets, with ids in the text", async () => {
    const db = freshDb();
    const mcp = await open(db, { name: "test-client" });
    const saved = await mcp.call("remember", {
      text: "we chose Postgres for billing",
      kind: "decision",
      tags: ["billing"],
    });
    expect(saved.isError).toBeFalsy();
    expect(textOf(saved)).toMatch(
      /^Saved \[1\] \(decision, \d{4}-\d\d-\d\d, #billing\) we chose Postgres for billing$/,
    );
    expect(saved.structuredContent).toMatchObject({
      status: "created",
      entry: { id: 1, kind: "decision", tags: ["billing"], source: "mcp:test-client" },
    });
    await mcp.call("remember", { text: "lunch on friday with @sam" });

    const found = await mcp.call("search", { query: "postgres", mode: "keyword" });
    expect(textOf(found)).toMatch(
      /^\[1\] \(decision, [\d-]+, #billing\) we chose Postgres for billing \{keyword\}$/,
    );
    expect(found.structuredContent).toMatchObject({
      mode: "keyword",
      results: [{ id: 1, ranks: { keyword: 1 } }],
    });
    expect(textOf(await mcp.call("search", { query: "postgres", kind: "note" }))).toMatch(
      /^Nothing in memory matches/,
    );

    const got = await mcp.call("get", { id: 1 });
    expect(textOf(got)).toContain("source: mcp:test-client");
    expect(got.structuredContent).toMatchObject({ entry: { id: 1, text: "we chose Postgres for billing" } });

    const recent = await mcp.call("recent", { limit: 5 });
    expect(
      textOf(recent)
        .split("\n")
        .map((line) => line.slice(0, 3)),
    ).toEqual(["[2]", "[1]"]);
    // `since` (shared with the agent loop's recent): created at or after that time.
    expect(textOf(await mcp.call("recent", { since: "2999-01-01" }))).toBe("No memories yet.");
    expect(textOf(await mcp.call("recent", { since: "2000-01-01" })).split("\n")).toHaveLength(2);

    const forgot = await mcp.call("forget", { id: 2 });
    expect(textOf(forgot)).toMatch(/^Forgot \[2\]/);
    expect(countEntries(db)).toBe(1);
    const again = await mcp.call("forget", { id: 2 });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toBe("There is no entry with id 2. Find ids with the `search` or `recent` tool.");
  });

  it("updates a keyed fact and shows the earlier value", async () => {
    const mcp = await open(freshDb());
    await mcp.call("remember", { text: "my editor is vim", kind: "preference", key: "editor" });
    const updated = await mcp.call("remember", {
      text: "my editor is helix",
      kind: "preference",
      key: "editor",
    });
    expect(textOf(updated)).toMatch(/^Updated \[1\] \(preference "editor", .*the previous value is kept/);
    const got = textOf(await mcp.call("get", { id: 1 }));
    expect(got).toContain("my editor is helix");
    expect(got).toMatch(/Earlier values:\n- until [\d-]+: my editor is vim/);
  });

  it("serves each entry as a resource and refuses unknown ones with the next step", async () => {
    const mcp = await open(freshDb());
    await mcp.call("remember", { text: "the staging database is on port 5433 #infra" });
    const { resources } = await mcp.client.listResources();
    expect(resources).toContainEqual(
      expect.objectContaining({ uri: "brain://entry/1", mimeType: "text/plain" }),
    );
    const read = await mcp.client.readResource({ uri: "brain://entry/1" });
    expect(read.contents[0]).toMatchObject({
      uri: "brain://entry/1",
      text: expect.stringContaining("port 5433"),
    });
    await expect(mcp.client.readResource({ uri: "brain://entry/99" })).rejects.toThrow(
      /-32002.*There is no entry with id 99\. Find ids with the `search`/,
    );
    await expect(mcp.client.readResource({ uri: "brain://entry/abc" })).rejects.toThrow(
      /does not name an entry/,
    );
  });

  it("follows the graph from an entry or a #tag, and refuses what is neither", async () => {
    const mcp = await open(freshDb());
    await mcp.call("remember", {
      text: "we chose Postgres for billing #billing with @maria",
      kind: "decision",
    });
    await mcp.call("remember", {
      text: "invoices go out on the 1st #billing",
      kind: "fact",
      key: "invoice day",
    });
    await mcp.call("remember", { text: "@maria prefers short standups", kind: "preference" });
    await mcp.call("remember", { text: "lunch menu for friday" });

    const fromEntry = textOf(await mcp.call("related", { target: 1 }));
    expect(fromEntry.split("\n")[0]).toMatch(/^Linked to \[1\] \(decision, [\d-]+, #billing\):$/);
    expect(fromEntry).toMatch(/^#billing \(2 memories\) — tagged #billing$/m);
    expect(fromEntry).toMatch(/^ {2}\[2\] \(fact "invoice day", .*— tagged #billing via #billing$/m);
    expect(fromEntry).toMatch(/^ {2}\[3\] \(preference, .*— mentions @maria via @maria$/m);
    expect(fromEntry).not.toContain("[4]");

    const fromTag = await mcp.call("related", { target: "#billing", depth: 1 });
    expect(
      textOf(fromTag)
        .split("\n")
        .map((line) => line.slice(0, 3)),
    ).toEqual(["Lin", "[2]", "[1]"]);
    expect(fromTag.structuredContent).toMatchObject({
      start: { label: "#billing", node: { entries: 2 } },
      items: [
        { depth: 1, entry: { id: 2 } },
        { depth: 1, entry: { id: 1 } },
      ],
    });
    expect(textOf(await mcp.call("related", { target: 4 }))).toMatch(/^Nothing is linked to \[4\]/);
    const bogus = await mcp.call("related", { target: "bogus" });
    expect(bogus.isError).toBe(true);
    expect(textOf(bogus)).toMatch(
      /^"bogus" is not an entry id, #tag, @person, \[\[Title\]\] or URL\. Call it like/,
    );
    expect(textOf(await mcp.call("related", { target: 99 }))).toMatch(/^There is no entry with id 99\./);
  });

  it("gives the boot context as a tool and as the brain://boot resource", async () => {
    const mcp = await open(freshDb());
    expect(textOf(await mcp.call("boot"))).toMatch(/^# Memory context\n[\s\S]*Nothing is stored yet\./);
    await mcp.call("remember", { text: "my editor is helix", kind: "preference", key: "editor" });
    await mcp.call("remember", { text: "we moved billing to Stripe #billing", kind: "decision" });
    const boot = await mcp.call("boot");
    expect(textOf(boot)).toContain("- **editor**: my editor is helix (preference, entry:1)");
    expect(textOf(boot)).toMatch(
      /## Recent decisions\n\n- [\d-]+: we moved billing to Stripe #billing \(entry:2\)/,
    );
    expect(boot.structuredContent).toMatchObject({
      counts: { entries: 2 },
      facts: [{ id: 1, key: "editor" }],
      decisions: [{ id: 2 }],
    });
    const read = await mcp.client.readResource({ uri: "brain://boot" });
    expect(read.contents[0]).toMatchObject({ mimeType: "text/markdown", text: textOf(boot) });
  });

  it("answers ask from the memories with the local model, citing entry ids", async () => {
    const ollama = await FakeOllamaServer.start({ dimensions: 8 });
    try {
      ollama.replyWith("You chose Postgres for billing [1].");
      const mcp = await open(freshDb(), { env: { OLLAMA_HOST: ollama.url } });
      await mcp.call("remember", { text: "we chose Postgres for billing #billing", kind: "decision" });
      const answer = await mcp.call("ask", { question: "what did we choose for billing?" });
      expect(answer.isError).toBeFalsy();
      expect(textOf(answer)).toMatch(
        /^You chose Postgres for billing \[1\]\.\n\nSources:\n\[1\] entry 1: we chose Postgres/,
      );
      expect(answer.structuredContent).toMatchObject({ abstained: false, citations: [{ n: 1, id: 1 }] });
      expect(ollama.requestsTo("/api/chat")).toHaveLength(1);
    } finally {
      await ollama.close();
    }
  });
});
