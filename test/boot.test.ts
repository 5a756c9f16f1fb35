import path from "node:path";
import { describe, expect, it } from "vitest";
import { bootMarkdown } from "../src/core/graph/boot.ts";
import { createBrain } from "../src/core/brain.ts";
import { resolveConfig } from "../src/core/base/config.ts";
import { listLedger } from "../src/core/privacy/egress-ledger.ts";
import { runBrain } from "./support/cli.ts";
import { FixedClock } from "./support/fixed-clock.ts";
import { tempDir, testBrain } from "./support/tmp.ts";

describe("boot context", () => {
  it("holds pinned entries, current facts and preferences, recent decisions, state, topics and counts", () => {
    const clock = new FixedClock("2026-03-01T09:00:00Z");
    const brain = testBrain({ clock });
    const capture = (text: string, more: Parameters<typeof brain.entries.capture>[0] = { text }) => {
      clock.advance(60_000);
      return brain.entries.capture({ ...more, text }).entry;
    };
    const pinned = capture("Always answer in British English", {
      text: "",
      kind: "preference",
      pinned: true,
    });
    capture("my editor is vim", { text: "", kind: "preference", key: "editor" });
    capture("my editor is helix", { text: "", kind: "preference", key: "editor" });
    capture("the staging database is called orca", { text: "", kind: "fact" });
    for (let i = 1; i <= 12; i++)
      capture(`decision ${i} about #billing with @maria`, { text: "", kind: "decision" });
    capture("migrating billing to v2, half done #billing", { text: "", kind: "state" });
    capture("a plain note #misc");

    const context = brain.boot();
    expect(context.generated_at).toBe(clock.now().toISOString());
    expect(context.pinned.map((e) => e.id)).toEqual([pinned.id]);
    expect(context.facts.map((e) => e.text)).toEqual([
      "my editor is helix",
      "the staging database is called orca",
    ]);
    expect(context.decisions.map((e) => e.text)).toEqual(
      [12, 11, 10, 9, 8, 7, 6, 5, 4, 3].map((i) => `decision ${i} about #billing with @maria`),
    );
    expect(context.state.map((e) => e.text)).toEqual(["migrating billing to v2, half done #billing"]);
    expect(context.topics.slice(0, 3).map((t) => [t.label, t.links])).toEqual([
      ["#billing", 13],
      ["@maria", 12],
      ["#misc", 1],
    ]);
    expect(context.counts).toEqual({
      entries: 17,
      by_kind: { note: 1, fact: 1, preference: 2, decision: 12, state: 1 },
      links: 26,
    });

    const md = bootMarkdown(context);
    expect(md).toContain("17 memories (1 note, 1 fact, 2 preferences, 12 decisions, 1 state), 26 links.");
    expect(md).toContain(`## Pinned\n\n- Always answer in British English (entry:${pinned.id})`);
    expect(md).toMatch(
      /## Facts and preferences\n\n- \*\*editor\*\*: my editor is helix \(preference, entry:\d+\)\n/,
    );
    expect(md).not.toContain("vim");
    expect(md).toContain("## Recent decisions\n\n- 2026-03-01: decision 12 about #billing with @maria");
    expect(md).toContain("## Current state\n\n- 2026-03-01: migrating billing to v2");
    expect(md).toContain("## Most-linked topics\n\n#billing (13) · @maria (12) · #misc (1)");
  });

  it("says so when nothing is stored", () => {
    const md = bootMarkdown(testBrain().boot());
    expect(md).toContain("0 memories, 0 links.");
    expect(md).toContain("Nothing is stored yet.");
    expect(md).not.toContain("## ");
  });
});

describe("brain boot (CLI)", () => {
  it("prints Markdown, or the context as JSON with --json", async () => {
    const db = path.join(tempDir(), "brain.db");
    await runBrain(["capture", "we chose Postgres for billing", "--kind", "decision"], { db });
    const md = await runBrain(["boot"], { db });
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Memory context\n\n1 memory \(1 decision\), 0 links\./);
    expect(md.stdout).toContain(": we chose Postgres for billing (entry:1)");
    const json = await runBrain(["boot", "--json"], { db });
    expect(JSON.parse(json.stdout)).toMatchObject({
      decisions: [{ id: 1, kind: "decision" }],
      counts: { entries: 1 },
    });
  });

  it("withholds #private memories (an assistant reads it), says how many, and records each print", async () => {
    const db = path.join(tempDir(), "brain.db");
    await runBrain(["capture", "we chose Postgres for billing", "--kind", "decision"], { db });
    await runBrain(["capture", "I will quit in March #private", "--kind", "decision"], { db });
    const md = await runBrain(["boot"], { db });
    expect(md.stdout).toContain(": we chose Postgres for billing (entry:1)");
    expect(md.stdout).not.toContain("quit");
    expect(md.stdout.trimEnd().split("\n").at(-1)).toBe("1 private memory withheld.");
    const json = JSON.parse((await runBrain(["boot", "--json"], { db })).stdout) as {
      decisions: { id: number }[];
      withheld: number;
    };
    expect({ ids: json.decisions.map((d) => d.id), withheld: json.withheld }).toEqual({
      ids: [1],
      withheld: 1,
    });
    const all = await runBrain(["boot", "--include-private"], { db });
    expect(all.stdout).toContain(": I will quit in March #private (entry:2)");
    const brain = createBrain(resolveConfig({ dbPath: db }, {}));
    expect(
      listLedger(brain.db).map((r) => ({
        road: r.road,
        entry_ids: r.entry_ids,
        withheld: r.withheld,
        note: r.note,
      })),
    ).toEqual([
      {
        road: "boot",
        entry_ids: [2, 1],
        withheld: 0,
        note: "private included (brain boot --include-private)",
      },
      { road: "boot", entry_ids: [1], withheld: 1, note: null },
      { road: "boot", entry_ids: [1], withheld: 1, note: null },
    ]);
    brain.close();
  });
});
