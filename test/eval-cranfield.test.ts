import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isBrainError } from "../src/core/base/errors.ts";
import { rankedRefs, refFromSource, toImportJsonl } from "../eval/collection.ts";
import {
  cranfieldCollection,
  cranfieldDir,
  cranfieldGain,
  loadCranfield,
  parseCranfieldDocs,
  parseCranfieldQueries,
} from "../eval/cranfield.ts";

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("Cranfield parsing (small samples in the original format)", () => {
  it("reads .I .T .A .B .W with CRLF line ends and joins lines", () => {
    const raw =
      ".I 1\r\n.T\r\nwing in a\r\nslipstream .\r\n.A\r\nbrenckman,m.\r\n.B\r\nj. ae. 25\r\n.W\r\nwing in a\r\nslipstream .\r\n  study .\r\n";
    expect(parseCranfieldDocs(raw)).toEqual([
      {
        id: "1",
        title: "wing in a slipstream .",
        author: "brenckman,m.",
        bib: "j. ae. 25",
        text: "wing in a slipstream . study .",
      },
    ]);
  });

  it("keeps stray field markers inside an abstract as text, not as new fields", () => {
    const raw =
      ".I 240\n.T\nheat .\n.A\nchapman\n.B\nnaca\n.W\nheat transfer .\n.A\nturbulent case .\n.W\nmore .\n.I 241\n.T\nnext\n.W\nx";
    const [doc, next] = parseCranfieldDocs(raw);
    expect(doc?.author).toBe("chapman");
    expect(doc?.bib).toBe("naca");
    expect(doc?.text).toBe("heat transfer . turbulent case . more .");
    expect(next?.id).toBe("241");
  });

  it("numbers queries by position, not by their .I field, and maps grades to gains", () => {
    const qry = ".I 001\n.W\nfirst ?\n.I 002\n.W\nsecond ?\n.I 004\n.W\nthird ?\n";
    const qrel = "1 10 1\n3 30 4 \n3 31 2\n3 32 -1\n";
    const queries = parseCranfieldQueries(qry, qrel);
    expect(queries.map((q) => [q.id, q.originalId, q.text])).toEqual([
      ["1", "001", "first ?"],
      ["2", "002", "second ?"],
      ["3", "004", "third ?"],
    ]);
    expect(queries[2]?.relevant).toEqual(
      new Map([
        ["30", 1],
        ["31", 3],
      ]),
    );
    expect(queries[2]?.ungraded).toEqual(new Set(["32"]));
    expect(queries[0]?.relevant).toEqual(new Map([["10", 4]]));
    expect([1, 2, 3, 4, -1, 5].map(cranfieldGain)).toEqual([4, 3, 2, 1, 0, 0]);
  });

  it("refuses a malformed judgment line with a hint", () => {
    expect(() => parseCranfieldQueries(".I 1\n.W\nq\n", "1 two 3\n")).toThrow(/query doc grade/);
  });

  it("says where to point BRAIN_CRANFIELD_DIR when the files are missing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "brain-cran-"));
    tempDirs.push(dir);
    expect(cranfieldDir({ BRAIN_CRANFIELD_DIR: dir })).toBe(dir);
    try {
      loadCranfield(dir);
      expect.unreachable();
    } catch (err) {
      expect(isBrainError(err, "not_found")).toBe(true);
      expect((err as { hint?: string }).hint).toMatch(/BRAIN_CRANFIELD_DIR/);
    }
  });
});

describe("the real Cranfield collection", () => {
  const dir = cranfieldDir();
  const present = fs.existsSync(path.join(dir, "cranqrel"));

  it.runIf(present)("has 1400 documents, 225 queries and the judgments of cranqrel", () => {
    const { docs, queries } = loadCranfield(dir);
    expect(docs).toHaveLength(1400);
    expect(docs.map((d) => d.id)).toEqual(Array.from({ length: 1400 }, (_, i) => String(i + 1)));
    // Two documents are empty in the original file.
    expect(docs.filter((d) => d.text === "").map((d) => d.id)).toEqual(["471", "995"]);
    expect(queries).toHaveLength(225);
    expect(queries[2]?.originalId).toBe("004");
    expect(queries[2]?.text).toMatch(/^what problems of heat conduction in composite slabs/);
    expect(queries[224]?.originalId).toBe("365");
    // cranqrel: 1837 judgments = 1612 graded 1..4 + 225 graded -1 (one per query).
    expect(queries.reduce((n, q) => n + q.relevant.size, 0)).toBe(1612);
    expect(queries.every((q) => q.ungraded.size === 1 && q.relevant.size > 0)).toBe(true);
    expect(queries[0]?.relevant.get("184")).toBe(3);
    expect(queries[0]?.relevant.get("13")).toBe(1);
  });

  it.runIf(present)("round-trips through .jsonl import lines and result sources", () => {
    const collection = cranfieldCollection(loadCranfield(dir));
    const lines = toImportJsonl(collection).trimEnd().split("\n");
    expect(lines).toHaveLength(1398);
    const first = JSON.parse(lines[0] ?? "{}") as { text: string; source: string; kind: string };
    expect(first.source).toBe("cranfield:1");
    expect(first.text).toMatch(/^experimental investigation of the aerodynamics of a wing/);
    expect(refFromSource("cranfield", first.source)).toBe("1");
    expect(refFromSource("notes", first.source)).toBeNull();
    expect(rankedRefs("cranfield", ["cranfield:7", null, "notes:n1", "cranfield:7", "cranfield:2"])).toEqual([
      "7",
      "2",
    ]);
  });
});
