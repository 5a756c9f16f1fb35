import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrate, migrations } from "../src/core/db/migrations.ts";
import { createOllamaEmbedder } from "../src/core/adapters/ollama-embedder.ts";
import type { Brain } from "../src/core/brain.ts";
import { isBrainError } from "../src/core/base/errors.ts";
import { parseGraphTarget, type RelatedItem } from "../src/core/graph/graph.ts";
import { expandWithNeighbours } from "../src/core/search/graph-expand.ts";
import { entryTitles, extractLinks } from "../src/core/graph/extract.ts";
import { replaceSemanticEdges } from "../src/core/graph/store.ts";
import { runBrain } from "./support/cli.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { tempDir, testBrain } from "./support/tmp.ts";

/** "what it is: why" for each neighbour, easy to compare. */
function reasons(items: RelatedItem[]): string[] {
  return items.map((i) => `${i.entry ? `entry:${i.entry.id}` : i.node!.label}: ${i.reason}`);
}

function edgeRows(brain: Brain) {
  return brain.db
    .prepare("SELECT from_entry, to_entry, to_node, type FROM edges ORDER BY from_entry, id")
    .all() as { from_entry: number; to_entry: number | null; to_node: number | null; type: string }[];
}

describe("link extraction", () => {
  it("finds people, [[titles]], URLs and entry ids, not e-mails, scoped packages or embeds", () => {
    const links = extractLinks(
      "@Maria and @sam. chose it (mail maria@example.com, pkg @raycast/api), see [[Billing v2#Rollout|plan]], " +
        "[[billing v2]], ![[diagram.png]], https://example.com/a_(b). and entry:42, not myentry:7",
    );
    expect(links).toEqual({
      people: ["maria", "sam"],
      titles: ["Billing v2"],
      urls: ["https://example.com/a_(b)"],
      entryIds: [42],
    });
  });

  it("gives an entry its heading, its short first line, or its imported file name as titles", () => {
    expect(entryTitles({ text: "# Billing v2\n\nbody", source: null })).toEqual(["Billing v2"]);
    expect(entryTitles({ text: "Rollout plan\nstep one", source: null })).toEqual(["Rollout plan"]);
    expect(entryTitles({ text: "one line only", source: null })).toEqual([]);
    expect(entryTitles({ text: "# Heading\nx", source: "file:/v/Billing v2.md#1" })).toEqual([
      "Billing v2",
      "Heading",
    ]);
    expect(entryTitles({ text: "second part", source: "file:/v/Billing v2.md#2" })).toEqual([]);
  });

  it("reads related targets and refuses what is none of them", () => {
    expect(parseGraphTarget("42")).toEqual({ entry: 42 });
    expect(parseGraphTarget("entry:7")).toEqual({ entry: 7 });
    expect(parseGraphTarget("#Billing")).toEqual({ node: { type: "tag", name: "billing" } });
    expect(parseGraphTarget("@Maria")).toEqual({ node: { type: "person", name: "maria" } });
    expect(parseGraphTarget("[[Billing  v2]]")).toEqual({ node: { type: "title", name: "Billing v2" } });
    expect(() => parseGraphTarget("billing")).toThrow(/not an entry id, #tag/);
  });
});

describe("graph edges", () => {
  it("links a capture to its tags, people, titles, URLs and referenced entries, with reasons", () => {
    const brain = testBrain();
    const plan = brain.entries.capture({ text: "# Billing v2\nEvent-driven invoicing #billing" }).entry;
    const decision = brain.entries.capture({
      text: `@maria chose Postgres for [[Billing v2]] (entry:${plan.id}), benchmarks at https://example.com/pg.`,
      kind: "decision",
      tags: ["db"],
    }).entry;
    expect(reasons(brain.related(decision.id).items)).toEqual([
      `entry:${plan.id}: links to [[Billing v2]]; refers to entry:${plan.id}`,
      "#db: tagged #db",
      "@maria: mentions @maria",
      "https://example.com/pg: links to https://example.com/pg",
    ]);
    expect(reasons(brain.related(plan.id).items)).toEqual([
      `entry:${decision.id}: refers here as entry:${plan.id}; links here as [[Billing v2]]`,
      "#billing: tagged #billing",
    ]);
    expect(reasons(brain.related("@Maria").items)).toEqual([`entry:${decision.id}: mentions @maria`]);
    expect(reasons(brain.related("[[billing v2]]").items)).toEqual([
      `entry:${plan.id}: titled [[Billing v2]]`,
      `entry:${decision.id}: links to [[Billing v2]]`,
    ]);
  });

  it("resolves a [[link]] written before its note exists once the note arrives", () => {
    const brain = testBrain();
    const early = brain.entries.capture({ text: "see [[Rollout plan]] for dates" }).entry;
    expect(reasons(brain.related(early.id).items)).toEqual([
      "[[Rollout plan]]: links to [[Rollout plan]] (no note has that title yet)",
    ]);
    const note = brain.entries.capture({ text: "Rollout plan\nweek 1: staff, week 2: everyone" }).entry;
    expect(reasons(brain.related(early.id).items)).toEqual([`entry:${note.id}: links to [[Rollout plan]]`]);
  });

  it("re-extracts edges when the text is edited and drops them both ways on delete", () => {
    const brain = testBrain();
    const target = brain.entries.capture({ text: "the target note" }).entry;
    const a = brain.entries.capture({ text: `@maria wrote entry:${target.id} #draft` }).entry;
    brain.link(target.id, a.id);
    brain.entries.edit(a.id, { text: "@sam rewrote it #final" });
    expect(reasons(brain.related(a.id).items)).toEqual([
      `entry:${target.id}: linked by you`,
      "#final: tagged #final",
      "@sam: mentions @sam",
    ]);
    expect(() => brain.related("@maria")).not.toThrow();
    expect(brain.related("@maria").items).toEqual([]);
    brain.entries.delete(a.id);
    expect(edgeRows(brain)).toEqual([]);
    expect(brain.related(target.id).items).toEqual([]);
  });

  it("keeps a handful of semantic neighbours above the threshold and replaces them on refresh", () => {
    const brain = testBrain();
    const ids = ["a", "b", "c", "d", "e", "f", "g"].map(
      (t) => brain.entries.capture({ text: `note ${t}` }).entry.id,
    );
    const [a, b, c, d, e, f, g] = ids as [number, number, number, number, number, number, number];
    const near = [
      { id: b, similarity: 0.9 },
      { id: c, similarity: 0.83 },
      { id: d, similarity: 0.7 },
      { id: e, similarity: 0.65 },
      { id: f, similarity: 0.62 },
      { id: g, similarity: 0.4 },
      { id: a, similarity: 1 },
      { id: 9999, similarity: 0.95 },
    ];
    expect(replaceSemanticEdges(brain.db, a, near, Date.now(), { minSimilarity: 0.6, max: 4 })).toBe(4);
    expect(reasons(brain.related(a).items)).toEqual([
      `entry:${b}: similar in meaning (0.90)`,
      `entry:${c}: similar in meaning (0.83)`,
      `entry:${d}: similar in meaning (0.70)`,
      `entry:${e}: similar in meaning (0.65)`,
    ]);
    replaceSemanticEdges(brain.db, a, [{ id: g, similarity: 0.75 }], Date.now());
    expect(reasons(brain.related(a).items)).toEqual([`entry:${g}: similar in meaning (0.75)`]);
    expect(reasons(brain.related(g).items)).toEqual([`entry:${a}: similar in meaning (0.75)`]);
  });

  it("links by hand, refuses bad links, and unlinks", () => {
    const brain = testBrain();
    const a = brain.entries.capture({ text: "first" }).entry.id;
    const b = brain.entries.capture({ text: "second" }).entry.id;
    expect(brain.link(a, b)).toBe(true);
    expect(brain.link(a, String(b))).toBe(false);
    expect(brain.link(a, "#someday")).toBe(true);
    expect(reasons(brain.related(b).items)).toEqual([`entry:${a}: linked by you`]);
    expect(reasons(brain.related("#someday").items)).toEqual([`entry:${a}: linked by you to #someday`]);
    expect(() => brain.link(a, a)).toThrow(/cannot be linked to itself/);
    try {
      brain.link(a, 999);
      expect.unreachable();
    } catch (err) {
      expect(isBrainError(err, "not_found")).toBe(true);
    }
    expect(brain.link(b, a, { remove: true })).toBe(true);
    expect(brain.link(b, a, { remove: true })).toBe(false);
    expect(brain.related(b).items).toEqual([]);
  });

  it("lists a tag's entries newest first up to the limit", () => {
    const brain = testBrain();
    const ids = Array.from(
      { length: 25 },
      (_, i) => brain.entries.capture({ text: `note ${i} #busy` }).entry.id,
    );
    expect(brain.related("#busy").items.map((i) => i.entry!.id)).toEqual([...ids].reverse());
    expect(brain.related("#busy", { limit: 3 }).items.map((i) => i.entry!.id)).toEqual(
      ids.slice(-3).reverse(),
    );
  });

  it("follows links to depth N and says which way it went", () => {
    const brain = testBrain();
    const a = brain.entries.capture({ text: "alpha #billing" }).entry.id;
    const b = brain.entries.capture({ text: "beta #billing" }).entry.id;
    const c = brain.entries.capture({ text: `gamma refers to entry:${b}` }).entry.id;
    const two = brain.related(a, { depth: 2 }).items;
    expect(two.map((i) => [i.depth, i.entry?.id ?? i.node?.label, i.reason, i.via])).toEqual([
      [1, "#billing", "tagged #billing", []],
      [2, b, "tagged #billing", ["#billing"]],
    ]);
    const three = brain.related(a, { depth: 3 }).items;
    expect(three.at(-1)).toMatchObject({
      depth: 3,
      entry: { id: c },
      reason: `refers here as entry:${b}`,
      via: ["#billing", `entry:${b}`],
    });
    expect(() => brain.related("#nothing")).toThrow(/No memory links to #nothing yet/);
  });

  it("one URL with or without the slash that ends its path, in any case, is one node", () => {
    const brain = testBrain();
    const a = brain.entries.capture({
      text: "Pricing page: https://stripe.com/ (see also https://stripe.com/docs/)",
    }).entry;
    const b = brain.entries.capture({
      text: "Compare with HTTPS://STRIPE.COM and https://stripe.com/docs",
    }).entry;
    const c = brain.entries.capture({
      text: "Search results https://example.com/?q=a/ and https://example.com/#top/",
    }).entry;
    // Newest first.
    expect(reasons(brain.related("https://stripe.com/").items)).toEqual([
      `entry:${b.id}: links to https://stripe.com`,
      `entry:${a.id}: links to https://stripe.com`,
    ]);
    expect(reasons(brain.related("HTTPS://STRIPE.COM/DOCS").items)).toEqual([
      `entry:${b.id}: links to https://stripe.com/docs`,
      `entry:${a.id}: links to https://stripe.com/docs`,
    ]);
    // A query or fragment keeps what follows it as written.
    expect(reasons(brain.related(c.id).items)).toEqual([
      "https://example.com/?q=a/: links to https://example.com/?q=a/",
      "https://example.com/#top/: links to https://example.com/#top/",
    ]);
  });
});

describe("migration 017: URL nodes without the slash that ends their path", () => {
  it("renames such nodes, and moves the edges of one whose other form was stored too onto that node", () => {
    const db = new Database(path.join(tempDir(), "brain.db"));
    const before = migrations.findIndex((m) => m.name === "017_url_nodes_without_trailing_slash");
    migrate(db, migrations.slice(0, before));
    const now = Date.now();
    const entry = db.prepare(
      "INSERT INTO entries(text, kind, hash, created_at, updated_at) VALUES (?, 'note', ?, ?, ?)",
    );
    for (const id of [1, 2, 3]) entry.run(`note ${id}`, `hash${id}`, now, now);
    const node = db.prepare("INSERT INTO nodes(type, name) VALUES ('url', ?)");
    const [slash, bare, only, deep, query] = [
      "https://stripe.com/",
      "https://stripe.com",
      "https://example.com/docs//",
      "https://example.com/a/",
      "https://example.com/?q=a/",
    ].map((name) => Number(node.run(name).lastInsertRowid));
    const edge = db.prepare(
      "INSERT INTO edges(from_entry, to_node, type, created_at) VALUES (?, ?, 'reference', ?)",
    );
    for (const [from, to] of [
      [1, slash],
      [2, bare],
      [3, slash],
      [3, bare],
      [1, only],
      [2, deep],
      [3, query],
    ] as const)
      edge.run(from, to, now);
    migrate(db);
    const names = db.prepare("SELECT id, name FROM nodes WHERE type = 'url' ORDER BY id").all();
    expect(names).toEqual([
      { id: bare, name: "https://stripe.com" },
      { id: only, name: "https://example.com/docs" },
      { id: deep, name: "https://example.com/a" },
      { id: query, name: "https://example.com/?q=a/" },
    ]);
    const edges = db.prepare("SELECT from_entry, to_node FROM edges ORDER BY to_node, from_entry").all();
    expect(edges).toEqual([
      { from_entry: 1, to_node: bare },
      { from_entry: 2, to_node: bare },
      { from_entry: 3, to_node: bare },
      { from_entry: 1, to_node: only },
      { from_entry: 2, to_node: deep },
      { from_entry: 3, to_node: query },
    ]);
    db.close();
  });
});

describe("semantic edges from the embedder", () => {
  let ollama: FakeOllamaServer;
  beforeEach(async () => {
    ollama = await FakeOllamaServer.start();
    ollama.setVector("persistent memory in AI systems", [1, 0.9, 0, 0, 0, 0.1]);
    ollama.setVector("lunch with maria", [0, 0, 1, 0.8, 0, 0]);
    // Similar (about 0.85), not the same: at 0.885 and above they would be linked as duplicates too.
    ollama.setVector("how does a computer recall things", [0.5, 1, 0.5, 0, 0, 0]);
    ollama.setVector("lunch plans for friday", [0, 0.5, 1, 0.3, 0, 0]);
  });
  afterEach(() => ollama.close());
  const brainOnFake = () =>
    testBrain(
      { embedderFor: (model) => createOllamaEmbedder({ host: ollama.url, model, dimensions: 1024 }) },
      { ollamaHost: ollama.url },
    );

  it("links a newly embedded entry to its near neighbours and refreshes the links when it changes", async () => {
    const brain = brainOnFake();
    const memory = brain.entries.capture({ text: "persistent memory in AI systems" }).entry.id;
    const lunch = brain.entries.capture({ text: "lunch with maria" }).entry.id;
    await brain.embed();
    const recall = brain.entries.capture({ text: "how does a computer recall things" }).entry.id;
    await brain.embed();
    expect(reasons(brain.related(recall).items)).toEqual([`entry:${memory}: similar in meaning (0.85)`]);
    brain.entries.edit(recall, { text: "lunch plans for friday" });
    await brain.embed();
    expect(reasons(brain.related(recall).items)).toEqual([`entry:${lunch}: similar in meaning (0.84)`]);
  });

  it("links entries embedded in the same batch of a new database", async () => {
    const brain = brainOnFake();
    const memory = brain.entries.capture({ text: "persistent memory in AI systems" }).entry.id;
    const recall = brain.entries.capture({ text: "how does a computer recall things" }).entry.id;
    await brain.embed();
    expect(reasons(brain.related(recall).items)).toEqual([`entry:${memory}: similar in meaning (0.85)`]);
  });
});

describe("graph-expanded search", () => {
  it("adds one-hop neighbours below the direct hits, each with why, and keeps direct hits in place", async () => {
    const brain = testBrain();
    const plan = brain.entries.capture({ text: "Rollout plan\nstaff first, then everyone" }).entry.id;
    const decision = brain.entries.capture({ text: "we chose postgres, see [[Rollout plan]]" }).entry.id;
    const other = brain.entries.capture({ text: "postgres tuning notes" }).entry.id;
    const far = brain.entries.capture({ text: "unrelated state", kind: "state" }).entry.id;
    brain.link(other, decision);
    brain.link(other, far);
    const { results } = await brain.search("postgres", { mode: "keyword" });
    expect(new Set(results.map((r) => r.id))).toEqual(new Set([decision, other]));
    const expanded = expandWithNeighbours(brain.db, results);
    expect(expanded.slice(0, 2)).toEqual(results);
    const added = expanded.slice(2).map((r) => (r.graph ? [r.id, r.graph.reason] : [r.id]));
    const viaSearch = await brain.search("postgres", { mode: "keyword", graph: true });
    expect(viaSearch.results.map((r) => r.id)).toEqual(expanded.map((r) => r.id));
    expect(added).toEqual(
      expect.arrayContaining([
        [plan, "links to [[Rollout plan]]"],
        [far, "linked by you"],
      ]),
    );
    expect(added).toHaveLength(2);
    const lowest = Math.min(...results.map((r) => r.score));
    for (const r of expanded.slice(2)) expect(r.score).toBeLessThan(lowest);
    const notes = expandWithNeighbours(brain.db, results, { filters: { kind: "note" } });
    expect(notes.slice(2).map((r) => r.id)).toEqual([plan]);
  });
});

describe("brain related and brain link (CLI)", () => {
  it("prints neighbours with reasons, and JSON with --json", async () => {
    const db = `${tempDir()}/brain.db`;
    await runBrain(["capture", "# Billing v2\nplan #billing"], { db });
    await runBrain(["capture", "@maria chose Postgres for [[Billing v2]]"], { db });
    const linked = await runBrain(["link", "1", "2"], { db });
    expect(linked).toMatchObject({ code: 0, stdout: "linked entry:1 → entry:2 (manual)\n" });
    const human = await runBrain(["related", "1"], { db });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("linked by you; links here as [[Billing v2]]");
    expect(human.stdout).toContain("tagged #billing");
    const json = await runBrain(["related", "@maria", "--json"], { db });
    expect(JSON.parse(json.stdout)).toMatchObject({
      start: { label: "@maria", node: { type: "person", entries: 1 } },
      items: [{ depth: 1, reason: "mentions @maria", entry: { id: 2 } }],
    });
    const bad = await runBrain(["link", "1", "2", "--type", "semantic"], { db });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/only manual links can/);
    const missing = await runBrain(["related", "#nope"], { db });
    expect(missing).toMatchObject({ code: 1, stdout: "" });
    expect(missing.stderr).toMatch(/^brain: No memory links to #nope yet\. Check the spelling/);
  });
});
