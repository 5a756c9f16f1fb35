import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runBrain } from "./support/cli.ts";
import { tempDir, testBrain } from "./support/tmp.ts";

/** A small vault: two notes, imported once. */
function vault(): string {
  const dir = path.join(tempDir("brain-vault-"), "vault");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Note.md"), "The boathouse key is under the blue flowerpot\n");
  fs.writeFileSync(path.join(dir, "Other.md"), "Lunch with Maria on Friday\n");
  return dir;
}

interface Listed {
  text: string;
}

describe("import: a file that is there but cannot be read now keeps its entries", () => {
  it("an iCloud Drive placeholder (.Note.md.icloud) counts as the note, and the summary says so", async () => {
    const db = path.join(tempDir(), "brain.db");
    const dir = vault();
    expect((await runBrain(["import", dir], { db })).code).toBe(0);
    // iCloud Drive evicted the note: only its hidden placeholder is left.
    fs.rmSync(path.join(dir, "Note.md"));
    fs.writeFileSync(path.join(dir, ".Note.md.icloud"), "bplist00");
    const run = await runBrain(["import", dir], { db });
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split("\n").slice(1)).toEqual([
      "not readable now, kept (their entries stay until the file can be read or is deleted):",
      `  ${path.join(dir, "Note.md")}: is in iCloud Drive but not downloaded to this Mac (.Note.md.icloud); 1 entry kept`,
    ]);
    const texts = (JSON.parse((await runBrain(["list", "--json"], { db })).stdout) as Listed[]).map(
      (e) => e.text,
    );
    expect(texts.sort()).toEqual([
      "Lunch with Maria on Friday",
      "The boathouse key is under the blue flowerpot",
    ]);
    // Downloaded again and then deleted for real: now it goes.
    fs.rmSync(path.join(dir, ".Note.md.icloud"));
    const gone = JSON.parse((await runBrain(["import", dir, "--json"], { db })).stdout) as {
      removed: number;
    };
    expect(gone.removed).toBe(1);
  });

  it("a read error (injected) is not readable now, kept: not a failure, and nothing is removed", async () => {
    const brain = testBrain();
    const dir = vault();
    await brain.import([dir]);
    const note = path.join(dir, "Note.md");
    const denied = Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    const readFile = (file: string) => {
      if (file === note) throw denied;
      return fs.readFileSync(file);
    };
    const report = await brain.import([dir], { readFile });
    expect(report.unreadable).toEqual([
      { path: note, reason: "cannot be read (permission denied)", entries: 1 },
    ]);
    expect(report).toMatchObject({ failed: [], removed: 0, unchanged: 1 });
    expect(brain.entries.list().map((e) => e.text)).toContain(
      "The boathouse key is under the blue flowerpot",
    );
  });

  it("a folder where the note was is there but not readable as a note: kept and listed", async () => {
    const brain = testBrain();
    const dir = vault();
    await brain.import([dir]);
    const note = path.join(dir, "Note.md");
    fs.rmSync(note);
    fs.mkdirSync(note);
    const report = await brain.import([dir]);
    expect(report.unreadable).toEqual([{ path: note, reason: "is a folder now, not a file", entries: 1 }]);
    expect(report.removed).toBe(0);
    expect(brain.entries.list()).toHaveLength(2);
  });
});
