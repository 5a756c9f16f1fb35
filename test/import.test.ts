import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Brain } from "../src/core/brain.ts";
import { reportText } from "../src/cli/commands/import.ts";
import { parseNote, splitNote } from "../src/core/import/markdown.ts";
import { SOURCE_TEXT_SQL } from "../src/core/store/sources.ts";
import { ROOT, runBrain } from "./support/cli.ts";
import { tempDir, testBrain } from "./support/tmp.ts";

const FIXTURES = path.join(ROOT, "test", "fixtures");

/** A copy of the fixture vault the test may change. */
function vaultCopy(): string {
  const dir = path.join(tempDir("brain-vault-"), "vault");
  fs.cpSync(path.join(FIXTURES, "vault"), dir, { recursive: true });
  return dir;
}

function bySource(brain: Brain, dir: string, file: string) {
  return brain.entries
    .list({ limit: 1000 })
    .filter((e) => e.source?.startsWith(`file:${path.join(dir, file)}#`));
}

describe("import of a notes folder (Obsidian style)", () => {
  it("brings in notes with front matter, tags and [[link]] edges; skips .obsidian, attachments and binary files", async () => {
    const brain = testBrain();
    const dir = vaultCopy();
    const report = await brain.import([dir]);
    expect(report).toMatchObject({ files: 5, added: 4, updated: 0, unchanged: 0, removed: 0 });
    expect(report.failed).toEqual([
      { path: path.join(dir, "broken.md"), reason: "looks like a binary file (it contains NUL bytes)" },
    ]);
    expect(report.skipped.map((s) => path.relative(dir, s.path))).toEqual([
      path.join("attachments", "diagram.png"),
    ]);

    const [billing] = bySource(brain, dir, "Billing v2.md");
    expect(billing).toMatchObject({
      kind: "note",
      tags: ["billing", "project", "architecture"],
      created_at: "2025-01-10T00:00:00.000Z",
      source: `file:${path.join(dir, "Billing v2.md")}#1`,
    });
    expect(billing!.text.startsWith("# Billing v2\n")).toBe(true);
    const [decision] = bySource(brain, dir, "Postgres decision.md");
    expect(decision).toMatchObject({
      kind: "decision",
      tags: ["database"],
      created_at: "2025-01-08T00:00:00.000Z",
    });
    expect(
      brain.entries
        .list({ limit: 100 })
        .some((e) => e.text.includes(".obsidian") || e.text.includes("promptDelete")),
    ).toBe(false);

    const reasons = brain
      .related(billing!.id)
      .items.map((i) => `${i.entry?.source?.split("/").pop() ?? i.node!.label}: ${i.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        "Postgres decision.md#1: links to [[Postgres decision]]; links here as [[Billing v2]]",
        "2025-01-12.txt#1: links here as [[Billing v2]]",
        "[[Rollout plan]]: links to [[Rollout plan]] (no note has that title yet)",
        "#billing: tagged #billing",
        "@maria: mentions @maria",
      ]),
    );
    expect(
      brain
        .related("@maria")
        .items.map((i) => i.entry!.id)
        .sort(),
    ).toEqual([billing!.id, decision!.id].sort());
    expect(brain.related("[[Maria]]").items.map((i) => i.reason)).toEqual(["titled [[Maria]]"]);
  });

  it("adds nothing when the same folder is imported again", async () => {
    const brain = testBrain();
    const dir = vaultCopy();
    await brain.import([dir]);
    const edges = brain.db.prepare("SELECT count(*) AS n FROM edges").get() as { n: number };
    const again = await brain.import([dir, path.join(dir, "people")]);
    expect(again).toMatchObject({ files: 5, added: 0, updated: 0, unchanged: 4, removed: 0 });
    expect(brain.entries.list({ limit: 100 })).toHaveLength(4);
    expect(brain.db.prepare("SELECT count(*) AS n FROM edges").get()).toEqual(edges);
  });

  it("updates a changed file, splits a long one at headings, and drops parts that are gone", async () => {
    const brain = testBrain();
    const dir = vaultCopy();
    await brain.import([dir]);
    const maria = path.join(dir, "people", "Maria.md");
    fs.writeFileSync(maria, "# Maria\n\nLeads the payments team now, see [[Billing v2]]. #team #payments\n");
    const section = (n: number) => `## Part ${n}\n\n${`Detail ${n} of the rollout. `.repeat(110)}\n`;
    const long = path.join(dir, "Long plan.md");
    fs.writeFileSync(long, `# Long plan\n\n${[1, 2, 3].map(section).join("\n")}`);
    const report = await brain.import([dir]);
    expect(report).toMatchObject({ added: 3, updated: 1, unchanged: 3, removed: 0 });
    const [edited] = bySource(brain, dir, path.join("people", "Maria.md"));
    expect(edited).toMatchObject({ tags: ["team", "payments"] });
    expect(brain.entries.history(edited!.id)).toHaveLength(1);
    expect(brain.related(edited!.id).items.map((i) => i.reason)).toContain("links to [[Billing v2]]");
    const parts = bySource(brain, dir, "Long plan.md").sort((a, b) => a.source!.localeCompare(b.source!));
    expect(parts.map((p) => p.source!.split("#").pop())).toEqual(["1", "2", "3"]);
    expect(parts.every((p) => p.text.length <= 4000)).toBe(true);
    expect(parts[1]!.text.startsWith("## Part")).toBe(true);

    fs.writeFileSync(long, "# Long plan\n\nCut down to one short paragraph.\n");
    const shorter = await brain.import([long]);
    expect(shorter).toMatchObject({ files: 1, added: 0, updated: 1, removed: 2 });
    expect(bySource(brain, dir, "Long plan.md").map((e) => e.text)).toEqual([
      "# Long plan\n\nCut down to one short paragraph.",
    ]);
  });

  it("removes the entries of files deleted from a folder imported again, with their edges; keeps edited ones", async () => {
    const brain = testBrain();
    const dir = vaultCopy();
    // A sibling whose path starts like the vault's, imported on its own: never touched below.
    const other = `${dir} 2`;
    fs.cpSync(dir, other, { recursive: true });
    await brain.import([dir]);
    await brain.import([other]);
    const [decision] = bySource(brain, dir, "Postgres decision.md");
    const [daily] = bySource(brain, dir, path.join("daily", "2025-01-12.txt"));
    const [billing] = bySource(brain, dir, "Billing v2.md");
    const edgesOf = (id: number) =>
      (
        brain.db
          .prepare("SELECT count(*) AS n FROM edges WHERE from_entry = ? OR to_entry = ?")
          .get(id, id) as {
          n: number;
        }
      ).n;
    expect(edgesOf(decision!.id)).toBeGreaterThan(0);
    brain.entries.edit(daily!.id, {
      text: "Standup: billing v2 slips a week, see [[Billing v2]]. (corrected)",
    });
    for (const vault of [dir, other]) {
      fs.rmSync(path.join(vault, "Postgres decision.md"));
      fs.rmSync(path.join(vault, "daily", "2025-01-12.txt"));
    }

    const keeping = await brain.import([dir], { keepMissing: true });
    expect(keeping).toMatchObject({ files: 3, unchanged: 2, removed: 0, kept: [] });
    expect(brain.entries.find(decision!.id)).not.toBeNull();

    const report = await brain.import([dir]);
    expect(report).toMatchObject({ files: 3, added: 0, updated: 0, unchanged: 2, removed: 1 });
    expect(report.kept).toEqual([
      {
        id: daily!.id,
        path: path.join(dir, "daily", "2025-01-12.txt"),
        reason: "changed in Local Brain since it was imported",
      },
    ]);
    expect(brain.entries.find(decision!.id)).toBeNull();
    expect(edgesOf(decision!.id)).toBe(0);
    expect(brain.related(billing!.id).items.map((i) => i.entry?.id)).not.toContain(decision!.id);
    expect(brain.entries.get(daily!.id).text).toContain("(corrected)");
    // The other folder was not imported this time: its entries stay although its files are gone.
    expect(bySource(brain, other, "Postgres decision.md")).toHaveLength(1);
    expect(bySource(brain, other, path.join("daily", "2025-01-12.txt"))).toHaveLength(1);
    expect(await brain.import([dir])).toMatchObject({ removed: 0, kept: [{ id: daily!.id }] });
  });

  it("keeps an entry changed in Local Brain while its file is unchanged; a changed file wins", async () => {
    const brain = testBrain();
    const dir = vaultCopy();
    await brain.import([dir]);
    const maria = path.join(dir, "people", "Maria.md");
    const [entry] = bySource(brain, dir, path.join("people", "Maria.md"));
    brain.entries.edit(entry!.id, { text: "# Maria\n\nRuns billing and payments." });
    expect(await brain.import([dir])).toMatchObject({ updated: 0, unchanged: 4 });
    expect(brain.entries.get(entry!.id).text).toBe("# Maria\n\nRuns billing and payments.");
    fs.writeFileSync(maria, "# Maria\n\nMoved to the platform team.\n");
    expect(await brain.import([dir])).toMatchObject({ updated: 1, unchanged: 3 });
    expect(brain.entries.get(entry!.id).text).toBe("# Maria\n\nMoved to the platform team.");
  });

  it("removes nothing from a folder where no notes are found, nor entries imported without a record", async () => {
    const brain = testBrain();
    const dir = vaultCopy();
    await brain.import([dir]);
    const [maria] = bySource(brain, dir, path.join("people", "Maria.md"));
    // As an entry imported before imports were recorded looks.
    brain.db.prepare("DELETE FROM imported WHERE entry_id = ?").run(maria!.id);
    fs.rmSync(path.join(dir, "people", "Maria.md"));
    expect((await brain.import([dir])).kept).toEqual([
      {
        id: maria!.id,
        path: path.join(dir, "people", "Maria.md"),
        reason: "no record of what was imported (imported by an older version)",
      },
    ]);

    for (const file of [
      "Billing v2.md",
      "Postgres decision.md",
      "broken.md",
      path.join("daily", "2025-01-12.txt"),
    ])
      fs.rmSync(path.join(dir, file));
    const empty = await brain.import([dir]);
    expect(empty).toMatchObject({ files: 0, removed: 0 });
    expect(empty.kept.map((k) => k.reason)).toEqual(Array(4).fill("no notes were found in its folder"));
    expect(brain.entries.list({ limit: 100 })).toHaveLength(4);
  });

  it("reports paths that do not exist and unsupported files named directly", async () => {
    const brain = testBrain();
    const dir = vaultCopy();
    const report = await brain.import([path.join(dir, "nope"), path.join(dir, "attachments", "diagram.png")]);
    expect(report.failed.map((f) => f.reason)).toEqual([
      "does not exist",
      ".png files are not imported (only .md, .markdown, .txt and .jsonl)",
    ]);
    expect(report.added).toBe(0);
  });
});

describe("import of .jsonl", () => {
  it("adds good lines, reports bad ones with their line, and is idempotent", async () => {
    const brain = testBrain();
    const file = path.join(FIXTURES, "import.jsonl");
    const report = await brain.import([file]);
    expect(report).toMatchObject({ files: 1, added: 3, unchanged: 1 });
    expect(report.failed.map((f) => [f.line, f.reason])).toEqual([
      [4, "is not valid JSON"],
      [5, 'has no "text"'],
      [6, 'has an unknown "kind" (use one of note, fact, preference, decision, state)'],
      [8, 'has a "created_at" that is not a time'],
      [9, "is not a JSON object"],
    ]);
    expect(brain.entries.getByKey("editor")).toMatchObject({ kind: "preference", tags: ["tools"] });
    const fact = brain.entries.list({ kind: "fact" })[0];
    expect(fact).toMatchObject({
      source: "wiki:invoicing",
      created_at: "2025-02-01T09:00:00.000Z",
      tags: ["billing"],
    });
    expect(await brain.import([file])).toMatchObject({ added: 0, updated: 0, unchanged: 4 });
    expect(brain.entries.list({ limit: 100 })).toHaveLength(3);
  });

  it("updates a keyed line and adds a changed text as a new entry", async () => {
    const brain = testBrain();
    const file = path.join(tempDir(), "more.jsonl");
    fs.writeFileSync(
      file,
      '{"text":"my editor is vim","kind":"preference","key":"editor"}\n{"text":"note one"}\n',
    );
    await brain.import([file]);
    fs.writeFileSync(
      file,
      '{"text":"my editor is helix","kind":"preference","key":"editor"}\n{"text":"note one"}\n',
    );
    expect(await brain.import([file])).toMatchObject({ added: 0, updated: 1, unchanged: 1 });
    expect(brain.entries.getByKey("editor")?.text).toBe("my editor is helix");
  });

  it("finds a line already imported with one seek, whether its source is its own or shared by every line", async () => {
    const brain = testBrain();
    const file = path.join(tempDir(), "export.jsonl");
    const lines = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ text: `message ${i}`, source: "export" }),
    );
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
    expect(await brain.import([file])).toMatchObject({ added: 300, unchanged: 0 });
    expect(await brain.import([file])).toMatchObject({ added: 0, unchanged: 300 });
    // By the source's index every line read all the lines before it: 32 s for 20,000 lines.
    const plan = brain.db
      .prepare(`EXPLAIN QUERY PLAN ${SOURCE_TEXT_SQL}`)
      .all("h", "h", "export")
      .map((r) => (r as { detail: string }).detail);
    expect(plan).toEqual(["SEARCH entries USING INDEX entries_hash (<expr>=?)"]);
  });
});

describe("front matter and splitting", () => {
  it("reads tags as a list, a string or items, and dates; leaves notes without front matter whole", () => {
    expect(parseNote("---\ntags: a, b\ncreated: '2024-05-01'\npinned: true\n---\nbody").meta).toEqual({
      tags: ["a", "b"],
      at: "2024-05-01",
      pinned: true,
    });
    expect(parseNote("---\ntags:\n- x\n- y\ndate: soon\n---\n\nbody")).toEqual({
      meta: { tags: ["x", "y"] },
      body: "\nbody",
    });
    expect(parseNote("no front matter\n---\n")).toEqual({
      meta: { tags: [] },
      body: "no front matter\n---\n",
    });
  });

  it("does not split inside a code fence and packs small sections together", () => {
    const fenced = `# A\n\n\`\`\`\n# not a heading\n${"x".repeat(30)}\n\`\`\`\n\n# B\n\n${"y".repeat(30)}`;
    expect(splitNote(fenced, 60)).toEqual([
      fenced.slice(0, fenced.indexOf("\n\n# B")),
      `# B\n\n${"y".repeat(30)}`,
    ]);
    expect(splitNote("# A\none\n# B\ntwo", 4000)).toEqual(["# A\none\n# B\ntwo"]);
    expect(splitNote("  \n ")).toEqual([]);
  });
});

describe("brain import (CLI)", () => {
  it("prints a summary, or one JSON document with --json, and fails only when nothing imports", async () => {
    const db = path.join(tempDir(), "brain.db");
    const dir = vaultCopy();
    const human = await runBrain(["import", dir], { db });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /^5 files: 4 added, 0 updated, 0 unchanged, 0 removed, 1 failed \(\d+\.\d s\)\nfailed:\n {2}.*broken\.md: looks like a binary file/,
    );
    expect(human.stdout).toContain("skipped 1:");
    expect(human.stderr).toBe("");
    const json = await runBrain(["import", dir, "--json"], { db });
    expect(JSON.parse(json.stdout)).toMatchObject({ files: 5, added: 0, unchanged: 4 });
    const nothing = await runBrain(["import", path.join(dir, "broken.md")], { db });
    expect(nothing.code).toBe(1);

    fs.rmSync(path.join(dir, "Billing v2.md"));
    const kept = await runBrain(["import", dir, "--keep-missing", "--json"], { db });
    expect(JSON.parse(kept.stdout)).toMatchObject({ files: 4, unchanged: 3, removed: 0, kept: [] });
    const removed = await runBrain(["import", dir], { db });
    expect(removed.stdout).toMatch(/^4 files: 0 added, 0 updated, 3 unchanged, 1 removed, 1 failed /);
  });

  it("lists the entries it kept although their file is gone", () => {
    const kept = { id: 7, path: "/vault/Old.md", reason: "changed in Local Brain since it was imported" };
    const report = {
      files: 2,
      added: 0,
      updated: 0,
      unchanged: 2,
      removed: 1,
      failed: [],
      skipped: [],
      unreadable: [],
      ms: 40,
    };
    expect(reportText({ ...report, kept: [kept] })).toBe(
      [
        "2 files: 0 added, 0 updated, 2 unchanged, 1 removed, 0 failed (0.0 s)",
        "kept 1 entry whose file is gone (`brain delete ID` removes one):",
        "  entry 7, /vault/Old.md: changed in Local Brain since it was imported",
      ].join("\n"),
    );
  });
});
