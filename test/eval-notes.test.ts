import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { toImportJsonl } from "../eval/collection.ts";
import { loadMultiHop } from "../eval/multihop.ts";
import {
  loadPersonalNotes,
  noteLinks,
  noteTitle,
  personalNotesCollection,
  type NoteQuestion,
  type NoteRecord,
} from "../eval/personal-notes.ts";

// Function words a question may share with its answer without it counting as a keyword match.
const STOP = new Set(
  (
    "a an and any are as at be by can could did do does doesn don for from get go how i if in is it me my " +
    "of on or our s should so t that the their there these this to up us was we were what when where " +
    "which while who whoever why will with would you re ve ll d m until after some"
  ).split(" "),
);

const { notes, questions } = loadPersonalNotes();
const byRef = new Map(notes.map((n) => [n.ref, n]));

/** An FTS5 index like the store's (porter + unicode61 over text and tags), in memory. */
function ftsIndex(): (question: string, refs: readonly string[]) => string[] {
  const db = new Database(":memory:");
  db.exec(
    "CREATE VIRTUAL TABLE t USING fts5(ref UNINDEXED, text, tags, tokenize = 'porter unicode61 remove_diacritics 2')",
  );
  const insert = db.prepare("INSERT INTO t(ref, text, tags) VALUES (?, ?, ?)");
  for (const n of notes) insert.run(n.ref, n.text, (n.tags ?? []).join(" "));
  const search = db.prepare("SELECT ref FROM t WHERE t MATCH ?");
  return (question, refs) => {
    const words = (question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w));
    if (words.length === 0) return [];
    const query = words.map((w) => `"${w}"`).join(" OR ");
    const hits = new Set((search.all(query) as { ref: string }[]).map((r) => r.ref));
    return refs.filter((ref) => hits.has(ref));
  };
}

const matching = ftsIndex();
const ofType = (type: NoteQuestion["type"]) => questions.filter((q) => q.type === type);

function tiedBy(a: NoteRecord, b: NoteRecord): string[] {
  const [la, lb] = [noteLinks(a), noteLinks(b)];
  const shared = (x: string[], y: string[]) => x.filter((v) => y.includes(v));
  return [
    ...la.links.filter((l) => l === noteTitle(b.text).toLowerCase()).map((l) => `[[${l}]]`),
    ...lb.links.filter((l) => l === noteTitle(a.text).toLowerCase()).map((l) => `[[${l}]]`),
    ...shared(la.tags, lb.tags).map((t) => `#${t}`),
    ...shared(la.people, lb.people).map((p) => `@${p}`),
  ];
}

describe("the personal-notes set", () => {
  it("has about 300 notes in the .jsonl import format, with refs", () => {
    expect(notes).toHaveLength(300);
    expect(new Set(notes.map((n) => n.kind))).toEqual(
      new Set(["note", "fact", "preference", "decision", "state"]),
    );
    expect(notes.every((n) => !Number.isNaN(Date.parse(n.created_at)))).toBe(true);
    const keys = notes.flatMap((n) => (n.key ? [`${n.kind}:${n.key}`] : []));
    expect(new Set(keys).size).toBe(keys.length); // a repeated key would be upserted over
    const line = JSON.parse(toImportJsonl(personalNotesCollection()).split("\n")[0] ?? "{}");
    expect(Object.keys(line).sort()).toEqual(["created_at", "kind", "source", "tags", "text"]);
    expect(line.source).toBe("notes:n001");
  });

  it("has enough questions of every type", () => {
    expect(questions.length).toBeGreaterThanOrEqual(80);
    expect(ofType("meaning").length).toBeGreaterThanOrEqual(20);
    expect(ofType("graph").length).toBeGreaterThanOrEqual(10);
    expect(ofType("none").length).toBeGreaterThanOrEqual(15);
    expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length);
  });

  it("keyword questions share words with an answer", () => {
    const misses = ofType("keyword").filter((q) => matching(q.text, q.relevant).length === 0);
    expect(misses.map((q) => q.id)).toEqual([]);
  });

  it("matches the way the keyword index does: stemmed, over text and tags, ignoring function words", () => {
    expect(matching("Who is Miso's vet?", ["n176"])).toEqual(["n176"]);
    expect(matching("charges", ["n021"])).toEqual(["n021"]); // "charged" in the note
    expect(matching("pets", ["n178"])).toEqual([]);
    expect(matching("who is it", ["n001"])).toEqual([]);
    expect(matching("style", ["n010"])).toEqual(["n010"]); // a tag only
  });

  it("meaning questions share no content word (stemmed) with any answer", () => {
    const leaks = ofType("meaning").flatMap((q) =>
      matching(q.text, q.relevant).map((ref) => `${q.id}:${ref}`),
    );
    expect(leaks).toEqual([]);
  });

  it("graph answers do not match the question, but are one hop from a note that does", () => {
    for (const q of ofType("graph")) {
      expect(matching(q.text, q.relevant), `${q.id} answer matches its question`).toEqual([]);
      const via = q.via ?? [];
      expect(matching(q.text, via), `${q.id} via notes must match`).toEqual(via);
      for (const ref of q.relevant) {
        const ties = via.flatMap((v) => tiedBy(byRef.get(v)!, byRef.get(ref)!));
        expect(ties.length, `${q.id}: ${ref} is not linked from ${via.join(",")}`).toBeGreaterThan(0);
      }
    }
  });

  it("multi-hop questions match their first note and need a second one it links to", () => {
    const multihop = loadMultiHop(new Set(byRef.keys()));
    expect(multihop).toHaveLength(8);
    for (const q of multihop) {
      const [first, second] = q.needed.map((ref) => byRef.get(ref)!);
      expect(matching(q.text, [first!.ref]), `${q.id} must match its first note`).toEqual([first!.ref]);
      expect(
        tiedBy(first!, second!).some((t) => t.startsWith("[[")),
        `${q.id}: not linked by [[Title]]`,
      ).toBe(true);
    }
  });

  it("reads titles and links the way the notes are written", () => {
    expect(noteTitle("# Billing v2\nNew pipeline")).toBe("Billing v2");
    expect(noteTitle("Plain first line\nmore")).toBe("Plain first line");
    expect(noteLinks({ text: "# Head\nSee [[Ledger design]] with @jonas #db", tags: ["billing"] })).toEqual({
      links: ["ledger design"],
      tags: ["db", "billing"],
      people: ["jonas"],
    });
    // Every [[link]] in the set points at an existing note's title.
    const titles = new Set(notes.map((n) => noteTitle(n.text).toLowerCase()));
    const dangling = notes.flatMap((n) => noteLinks(n).links.filter((l) => !titles.has(l)));
    expect(dangling).toEqual([]);
  });
});
