import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/core/db/open.ts";
import { ftsSnippets, ftsWordCounts } from "../src/core/store/scratch-fts.ts";
import { testBrain } from "./support/tmp.ts";

/** What snippet() over the brain's own keyword index gives for one entry. */
function indexSnippet(db: Database.Database, match: string, id: number): string | undefined {
  return db
    .prepare<[string, number], { s: string }>(
      `SELECT snippet(entries_fts, 0, '**', '**', '…', 24) AS s FROM entries_fts
       WHERE entries_fts MATCH ? AND rowid = CAST(? AS INTEGER)`,
    )
    .get(match, id)?.s;
}

function seeded() {
  const brain = testBrain();
  const ids = brain.entries
    .captureMany([
      { text: "We decided to move the billing service to Postgres after the March outage." },
      { text: `${"filler words before the point ".repeat(8)}the deciding vote on billing came late.` },
      { text: "Tea with oat milk in the morning.", tags: ["billing"] },
      { text: "Nothing about that here." },
    ])
    .map((r) => r.entry.id);
  return { brain, ids };
}

describe("keyword snippets", () => {
  it("are the ones the keyword index gives, for each entry's own expression", () => {
    const { brain, ids } = seeded();
    const wanted = [
      { id: ids[0]!, match: '"decide" "billing"' },
      { id: ids[1]!, match: '"decide" OR "billing"' },
      { id: ids[2]!, match: '"decide" OR "billing"' },
    ];
    const found = ftsSnippets(brain.db, wanted);
    for (const { id, match } of wanted) {
      expect(found.get(id)!.snippet).toBe(indexSnippet(brain.db, match, id));
      expect(found.get(id)!.entry.id).toBe(id);
    }
    expect(found.get(ids[0]!)!.snippet).toBe(
      "We **decided** to move the **billing** service to Postgres after the March outage.",
    );
    expect(found.get(ids[1]!)!.snippet).toBe(
      "…the point filler words before the point filler words before the point filler words before the point the **deciding** vote on **billing** came late.",
    );
    const prefix = ftsSnippets(brain.db, [{ id: ids[0]!, match: '"postg"*' }]);
    expect(prefix.get(ids[0]!)!.snippet).toBe(indexSnippet(brain.db, '"postg"*', ids[0]!));
    expect(prefix.get(ids[0]!)!.snippet).toContain("**Postgres**");
  });

  it("leave out an entry that does not match its expression, and return nothing for nothing", () => {
    const { brain, ids } = seeded();
    const found = ftsSnippets(brain.db, [
      { id: ids[3]!, match: '"billing"' },
      { id: ids[0]!, match: '"billing"' },
    ]);
    expect([...found.keys()]).toEqual([ids[0]!]);
    expect(ftsSnippets(brain.db, []).size).toBe(0);
  });

  it("write nothing to the brain, leave their table empty and keep a caller's open transaction", () => {
    const { brain, ids } = seeded();
    const reader = openDatabase(brain.config.dbPath, { readonly: true });
    const version = () => reader.pragma("data_version", { simple: true }) as number;
    const before = version();
    ftsSnippets(brain.db, [{ id: ids[0]!, match: '"billing"' }]);
    // data_version moves when another connection commits to the file.
    expect(version()).toBe(before);
    expect(brain.db.prepare("SELECT count(*) AS n FROM temp.entry_snippets").get()).toEqual({ n: 0 });
    const inside = brain.db.transaction(() => {
      brain.db.prepare("UPDATE entries SET pinned = 1 WHERE id = ?").run(ids[0]!);
      return ftsSnippets(brain.db, [{ id: ids[0]!, match: '"billing"' }]);
    })();
    expect(inside.get(ids[0]!)!.entry.pinned).toBe(true);
    expect(brain.entries.get(ids[0]!)!.pinned).toBe(true);
    expect(brain.db.prepare("SELECT count(*) AS n FROM temp.entry_snippets").get()).toEqual({ n: 0 });
    // A connection whose first snippets were made in a transaction that was then rolled back
    // (taking the table along) makes the table again.
    const other = openDatabase(brain.config.dbPath, {});
    try {
      const undone = other.transaction(() => {
        ftsSnippets(other, [{ id: ids[0]!, match: '"billing"' }]);
        throw new Error("undo");
      });
      expect(() => undone()).toThrow("undo");
      expect(
        other.prepare("SELECT count(*) AS n FROM temp.sqlite_schema WHERE name = 'entry_snippets'").get(),
      ).toEqual({ n: 0 });
      expect(ftsSnippets(other, [{ id: ids[1]!, match: '"billing"' }]).get(ids[1]!)!.entry.id).toBe(ids[1]!);
    } finally {
      other.close();
    }
    try {
      expect(ftsSnippets(reader, [{ id: ids[0]!, match: '"billing"' }]).get(ids[0]!)!.snippet).toBe(
        "We decided to move the **billing** service to Postgres after the March outage.",
      );
    } finally {
      reader.close();
    }
  });

  it("count each entry's words as the keyword index matches them, and 0 for an entry that is gone", () => {
    const { brain, ids } = seeded();
    const words = ["decide", "billing", "postgres", "tea", "absent"];
    const gone = 999_999;
    const counts = ftsWordCounts(brain.db, words, [...ids, gone]);
    const inIndex = (id: number) =>
      words.filter((w) =>
        brain.db
          .prepare("SELECT 1 FROM entries_fts WHERE entries_fts MATCH ? AND rowid = CAST(? AS INTEGER)")
          .get(`"${w}"`, id),
      ).length;
    expect([...counts]).toEqual([...ids.map((id) => [id, inIndex(id)]), [gone, 0]]);
    // "decided" and "deciding" stem to "decide"; the tag "billing" counts for the tea entry.
    expect(counts.get(ids[0]!)).toBe(3);
    expect(counts.get(ids[1]!)).toBe(2);
    expect(counts.get(ids[2]!)).toBe(2);
    expect(counts.get(ids[3]!)).toBe(0);
    expect(brain.db.prepare("SELECT count(*) AS n FROM temp.entry_snippets").get()).toEqual({ n: 0 });
  });
});
