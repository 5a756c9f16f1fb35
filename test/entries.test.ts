import { describe, expect, it } from "vitest";
import { isBrainError } from "../src/core/base/errors.ts";
import { untilTime } from "../src/core/base/time.ts";
import { MAX_ENTRY_BYTES } from "../src/core/store/text.ts";
import { FixedClock } from "./support/fixed-clock.ts";
import { testBrain } from "./support/tmp.ts";

describe("entries", () => {
  it("captures with kind, tags from flags and from #tags in the text, source and time", () => {
    const brain = testBrain();
    const { entry, status } = brain.entries.capture({
      text: "switched the team to pnpm #Tooling #build-speed",
      tags: ["monorepo", "#tooling"],
      kind: "decision",
      source: "standup",
      at: "2026-01-05T10:00:00Z",
    });
    expect(status).toBe("created");
    expect(entry).toMatchObject({
      kind: "decision",
      tags: ["monorepo", "tooling", "build-speed"],
      source: "standup",
      created_at: "2026-01-05T10:00:00.000Z",
    });
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(brain.entries.get(entry.id)).toEqual(entry);
  });

  it("does not take #42, URLs' fragments or C# as tags", () => {
    const brain = testBrain();
    const { entry } = brain.entries.capture({
      text: "see issue #42 at https://x.dev/a#frag, we use C# and F#",
    });
    expect(entry.tags).toEqual([]);
  });

  it("does not save the same text of the same kind twice", () => {
    const brain = testBrain();
    const first = brain.entries.capture({ text: "switched to pnpm", tags: ["tooling"] });
    const again = brain.entries.capture({ text: "  switched to pnpm  " });
    expect(again).toEqual({ entry: first.entry, status: "duplicate" });
    expect(brain.entries.capture({ text: "switched to pnpm", kind: "decision" }).status).toBe("created");
    expect(brain.entries.capture({ text: "switched to pnpm", allowDuplicate: true }).status).toBe("created");
    expect(brain.entries.list()).toHaveLength(3);
  });

  it("adds the tags the same text brings again: a memory saved without #private becomes private", () => {
    const brain = testBrain();
    const first = brain.entries.capture({ text: "my salary is 250k", tags: ["money"] });
    const again = brain.entries.capture({ text: "my salary is 250k", tags: ["private"] });
    expect({ id: again.entry.id, status: again.status, tags: again.entry.tags }).toEqual({
      id: first.entry.id,
      status: "updated",
      tags: ["money", "private"],
    });
    expect(brain.entries.capture({ text: "my salary is 250k", tags: ["money"] }).status).toBe("duplicate");
    expect(brain.entries.list().map((e) => e.tags)).toEqual([["money", "private"]]);
  });

  it("upserts a keyed fact and keeps the earlier value in its history", () => {
    const clock = new FixedClock();
    const brain = testBrain({ clock });
    const first = brain.entries.capture({ text: "my editor is vim", kind: "preference", key: "editor" });
    clock.advance(60_000);
    const second = brain.entries.capture({ text: "my editor is helix", kind: "preference", key: "editor" });
    expect(second.status).toBe("updated");
    expect(second.entry.id).toBe(first.entry.id);
    expect(second.entry.text).toBe("my editor is helix");
    expect(brain.entries.history(first.entry.id)).toEqual([
      expect.objectContaining({ text: "my editor is vim", valid_to: "2026-03-01T09:01:00.000Z" }),
    ]);
    const third = brain.entries.capture({ text: "my editor is helix", kind: "preference", key: "editor" });
    expect(third.status).toBe("unchanged");
    expect(brain.entries.list()).toHaveLength(1);
  });

  it("edits text, keeps explicit tags, follows #tags in the text, and records history", () => {
    const brain = testBrain();
    const { entry } = brain.entries.capture({ text: "draft plan #billing", tags: ["q3"] });
    const edited = brain.entries.edit(entry.id, { text: "final plan #payments" });
    expect(edited.tags).toEqual(["q3", "payments"]);
    expect(brain.entries.history(entry.id).map((h) => h.text)).toEqual(["draft plan #billing"]);
    expect(brain.entries.list({ tag: "billing" })).toEqual([]);
    expect(brain.entries.list({ tag: "payments" }).map((e) => e.id)).toEqual([entry.id]);
  });

  it("deletes an entry, its tags and its history", () => {
    const brain = testBrain();
    const { entry } = brain.entries.capture({ text: "temporary #tmp" });
    brain.entries.edit(entry.id, { text: "temporary, edited #tmp" });
    expect(brain.entries.delete(entry.id).id).toBe(entry.id);
    expect(brain.entries.find(entry.id)).toBeNull();
    expect(brain.db.prepare("SELECT count(*) FROM entry_tags").pluck().get()).toBe(0);
    expect(brain.db.prepare("SELECT count(*) FROM entry_history").pluck().get()).toBe(0);
    expect(() => brain.entries.delete(entry.id)).toThrow(/no entry with id/);
  });

  it("repairs lone surrogates and drops NULs instead of storing broken text", () => {
    const brain = testBrain();
    const { entry } = brain.entries.capture({ text: "bad \uD800 half and nul\0 here" });
    expect(entry.text).toBe("bad \uFFFD half and nul here");
    expect(entry.text.isWellFormed()).toBe(true);
  });

  it("refuses empty and oversized text and writes nothing", () => {
    const brain = testBrain();
    for (const text of ["", "   \n\t"]) {
      expect(() => brain.entries.capture({ text })).toThrow(/empty/);
    }
    let error: unknown;
    try {
      brain.entries.capture({ text: "x".repeat(MAX_ENTRY_BYTES + 1) });
    } catch (err) {
      error = err;
    }
    expect(isBrainError(error, "too_large")).toBe(true);
    expect(brain.entries.list()).toEqual([]);
    expect(brain.entries.capture({ text: "é".repeat(MAX_ENTRY_BYTES / 2) }).status).toBe("created");
  });

  it("refuses an unknown kind and a bad time", () => {
    const brain = testBrain();
    expect(() => brain.entries.capture({ text: "x", kind: "memo" as never })).toThrow();
    expect(() => brain.entries.capture({ text: "x", at: "yesterday-ish" })).toThrow(/not a time/);
    expect(brain.entries.list()).toEqual([]);
  });

  it("lists newest first with kind, tag, time filters and a limit", () => {
    const brain = testBrain();
    brain.entries.capture({ text: "a #x", at: "2026-01-01" });
    brain.entries.capture({ text: "b", kind: "fact", at: "2026-02-01" });
    brain.entries.capture({ text: "c #x", at: "2026-03-01" });
    expect(brain.entries.list().map((e) => e.text)).toEqual(["c #x", "b", "a #x"]);
    expect(brain.entries.list({ kind: "fact" }).map((e) => e.text)).toEqual(["b"]);
    expect(brain.entries.list({ tag: "#X" }).map((e) => e.text)).toEqual(["c #x", "a #x"]);
    expect(brain.entries.list({ since: "2026-01-15", until: "2026-02-15" }).map((e) => e.text)).toEqual([
      "b",
    ]);
    expect(brain.entries.list({ limit: 1 }).map((e) => e.text)).toEqual(["c #x"]);
  });

  it("takes a date, month or year given as --until whole: what was captured that day is in", () => {
    const brain = testBrain();
    brain.entries.capture({ text: "march third, morning", at: "2025-03-03T10:00:00Z" });
    brain.entries.capture({ text: "march fourth", at: "2025-03-04T00:00:00Z" });
    brain.entries.capture({ text: "next year", at: "2026-01-01T00:00:00Z" });
    const until = (value: string) => brain.entries.list({ until: value }).map((e) => e.text);
    expect(until("2025-03-03")).toEqual(["march third, morning"]);
    expect(until("2025-03-03T00:00:00Z")).toEqual([]);
    expect(until("2025-03-03T10:00:01Z")).toEqual(["march third, morning"]);
    expect(until("2025-03")).toEqual(["march fourth", "march third, morning"]);
    expect(until("2025")).toEqual(["march fourth", "march third, morning"]);
    expect(until("9999-12-31")).toEqual(["next year", "march fourth", "march third, morning"]);
    expect(untilTime("2026-03-01", "--until")).toBe(Date.UTC(2026, 2, 2));
    expect(untilTime("2024-02", "--until")).toBe(Date.UTC(2024, 2, 1));
  });

  it("saves many entries in one transaction", () => {
    const brain = testBrain();
    const results = brain.entries.captureMany(Array.from({ length: 500 }, (_, i) => ({ text: `note ${i}` })));
    expect(results).toHaveLength(500);
    expect(brain.status().entries).toBe(500);
    expect(() => brain.entries.captureMany([{ text: "ok" }, { text: "" }])).toThrow();
    expect(brain.status().entries).toBe(500);
  });
});
