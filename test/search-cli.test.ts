import path from "node:path";
import { describe, expect, it } from "vitest";
import { runBrain } from "./support/cli.ts";
import { tempDir } from "./support/tmp.ts";

/** A `brain` on a fresh database, with HOME in a temp folder so nothing reaches a real user's files. */
function cliBrain() {
  const db = path.join(tempDir(), "brain.db");
  const env = { HOME: tempDir() };
  return (...args: string[]) => runBrain([...args, "--db", db], { env });
}

describe("brain search: time in the question", () => {
  it("finds the entries that say a time word asked alone", async () => {
    const brain = cliBrain();
    await brain("capture", "lunch with Anna on Friday", "--at", "2025-01-11");
    await brain("capture", "rent goes up in March", "--at", "2025-01-05");
    const friday = await brain("search", "friday", "--mode", "keyword");
    expect(friday).toMatchObject({ code: 0, stderr: "" });
    // The first line names the Friday before today, whichever day the test runs on.
    expect(friday.stdout).toMatch(
      /^understood: friday = (\d{4}-\d\d-\d\d)\.\.\1\n {5}1 {2}note {7}2025-01-11 {2}lunch with Anna on Friday\n {8}lunch with Anna on \*\*Friday\*\*\n {8}score 1\.00 {2}\(keyword #1\)\n$/,
    );
    const march = await brain("search", "March", "--mode", "keyword");
    expect(march.stdout.split("\n").slice(1)).toEqual([
      "     2  note       2025-01-05  rent goes up in March",
      "        rent goes up in **March**",
      "        score 1.00  (keyword #1)",
      "",
    ]);
  });

  it("answers dates outside the calendar or its years instead of failing on a flag never given", async () => {
    const brain = cliBrain();
    const cases: [string, string][] = [
      ["in December 9999", "understood: in December 9999 = 9999-12-01..9999-12-31\n"],
      ["9999-12-31", "understood: 9999-12-31 = 9999-12-31..9999-12-31\n"],
      ["in May 0001", ""],
      ["2025-02-30", ""],
      ["2025-13-45", ""],
    ];
    for (const [query, understood] of cases) {
      expect(await brain("search", query, "--mode", "keyword")).toMatchObject({
        code: 0,
        stdout: `${understood}Nothing in your memory matches "${query}".\n`,
        stderr: "",
      });
    }
  });

  it("normalises --tag for a question without a topic and says which list found each entry", async () => {
    const brain = cliBrain();
    await brain("capture", "the plan #Work", "--kind", "decision", "--at", "2025-01-10");
    const expected = [
      "understood: decisions first",
      "     1  decision   2025-01-10  the plan #Work  #work",
      "        the plan #Work",
      "        score 0.50  (listed #1)",
      "",
    ].join("\n");
    for (const tag of ["Work", "#work", "work"]) {
      const found = await brain("search", "what did we decide", "--tag", tag);
      expect(found).toMatchObject({ code: 0, stdout: expected, stderr: "" });
    }
    const json = JSON.parse((await brain("search", "what did we decide", "--json")).stdout);
    expect(json.results.map((r: { id: number; ranks: object }) => [r.id, r.ranks])).toEqual([
      [1, { listed: 1 }],
    ]);
  });
});
