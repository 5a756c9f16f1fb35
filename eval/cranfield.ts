/**
 * Reads the Cranfield 1400 test collection in its original format (`cran.all.1400`, `cran.qry`,
 * `cranqrel`) from a folder outside the project. The files are parsed where they lie, never copied.
 *
 * Grades and gains. `cranqrel` grades a (query, document) pair 1..4, where 1 is "a complete answer"
 * and 4 is "of minimum interest" (Cleverdon's scale, see `cranqrel.readme`). nDCG needs a gain that
 * grows with relevance, so gain = 5 - grade: 1 -> 4, 2 -> 3, 3 -> 2, 4 -> 1. Every query also has
 * exactly one pair graded -1; it is not on Cleverdon's scale, and tools such as trec_eval count a
 * grade <= 0 as not relevant, so -1 gets gain 0: it is left out of `relevant` (and kept apart in
 * `ungraded` for anyone who wants to inspect it).
 *
 * Query numbering. The `.I` numbers in `cran.qry` run 001, 002, 004, 008, ... while `cranqrel`
 * numbers the queries 1..225 by their position in `cran.qry`. Queries are therefore numbered by
 * position; the `.I` value is kept as `originalId`.
 */
import fs from "node:fs";
import path from "node:path";
import { BrainError } from "../src/core/base/errors.ts";
import type { Collection } from "./collection.ts";

export interface CranfieldDoc {
  /** The `.I` number, as a string ("1".."1400"). */
  id: string;
  title: string;
  author: string;
  /** The `.B` field: where the paper appeared. */
  bib: string;
  /** The `.W` field (the abstract, which repeats the title as its first sentence). */
  text: string;
}

export interface CranfieldQuery {
  /** The position in `cran.qry`, 1-based, as a string: the number `cranqrel` uses. */
  id: string;
  /** The `.I` value in `cran.qry`, e.g. "008". */
  originalId: string;
  text: string;
  /** Document id -> gain (5 - grade), only for grades 1..4. */
  relevant: Map<string, number>;
  /** Documents graded -1 for this query (gain 0). */
  ungraded: Set<string>;
}

export interface Cranfield {
  docs: CranfieldDoc[];
  queries: CranfieldQuery[];
}

/** Where the collection is read from: `BRAIN_CRANFIELD_DIR`, else `../shared/data/cranfield` from the project root. */
export function cranfieldDir(env: NodeJS.ProcessEnv = process.env): string {
  const projectRoot = path.resolve(import.meta.dirname, "..");
  return env.BRAIN_CRANFIELD_DIR ?? path.resolve(projectRoot, "../shared/data/cranfield");
}

export interface CranRecord {
  id: string;
  fields: Map<string, string[]>;
}

/**
 * Splits a Cranfield file into `.I` records of `.X` fields. Once `.W` has started, every later line
 * of the record belongs to the text: a few abstracts (documents 240, 576, 578) contain stray `.A`,
 * `.B` or a second `.W` marker line inside the text; the marker line is dropped, the words are kept.
 *
 * @example
 * parseRecords(".I 1\n.T\nwing .\n.W\nwing flutter .")[0].fields.get("W") // ["wing flutter ."]
 */
export function parseRecords(content: string): CranRecord[] {
  const records: CranRecord[] = [];
  let current: CranRecord | undefined;
  let field: string | undefined;
  for (const line of content.replace(/\r\n?/g, "\n").split("\n")) {
    const id = /^\.I\s+(\S+)/.exec(line);
    if (id) {
      current = { id: id[1] ?? "", fields: new Map() };
      records.push(current);
      field = undefined;
      continue;
    }
    if (!current) continue;
    const marker = /^\.([TABW])\s*$/.exec(line);
    if (marker && field !== "W") field = marker[1];
    else if (!marker && field) current.fields.set(field, [...(current.fields.get(field) ?? []), line]);
  }
  return records;
}

function fieldText(record: CranRecord, name: string): string {
  return (record.fields.get(name) ?? []).join(" ").replace(/\s+/g, " ").trim();
}

/**
 * Parses `cran.all.1400`.
 *
 * @example
 * parseCranfieldDocs(".I 1\n.T\nwing .\n.A\nsmith\n.B\nj. ae. 1958\n.W\nwing .")[0].title // "wing ."
 */
export function parseCranfieldDocs(content: string): CranfieldDoc[] {
  return parseRecords(content).map((r) => ({
    id: String(Number(r.id)),
    title: fieldText(r, "T"),
    author: fieldText(r, "A"),
    bib: fieldText(r, "B"),
    text: fieldText(r, "W"),
  }));
}

/**
 * Parses `cranqrel` into query number -> document id -> grade (as written: -1 or 1..4).
 *
 * @example
 * parseCranqrel("1 184 2\n1 486 -1").get("1")?.get("486") // -1
 */
export function parseCranqrel(content: string): Map<string, Map<string, number>> {
  const grades = new Map<string, Map<string, number>>();
  content.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const [query, doc, grade] = line.trim().split(/\s+/).map(Number);
    if (query === undefined || doc === undefined || grade === undefined || [query, doc, grade].some(isNaN)) {
      throw new BrainError("bad_input", `cranqrel line ${index + 1} is not "query doc grade": ${line}`, {
        hint: "Check that BRAIN_CRANFIELD_DIR points at the original Cranfield files.",
      });
    }
    const forQuery = grades.get(String(query)) ?? new Map<string, number>();
    forQuery.set(String(doc), grade);
    grades.set(String(query), forQuery);
  });
  return grades;
}

/** The gain nDCG uses for a Cranfield grade: 5 - grade for 1..4, 0 for anything else (-1). */
export function cranfieldGain(grade: number): number {
  return grade >= 1 && grade <= 4 ? 5 - grade : 0;
}

/**
 * Parses `cran.qry` and joins the judgments, numbering queries by position (see the module comment).
 *
 * @example
 * parseCranfieldQueries(".I 001\n.W\nwings ?\n.I 004\n.W\nslabs ?", "2 7 1")[1].relevant.get("7") // 4
 */
export function parseCranfieldQueries(qry: string, qrel: string): CranfieldQuery[] {
  const grades = parseCranqrel(qrel);
  return parseRecords(qry).map((r, index) => {
    const id = String(index + 1);
    const relevant = new Map<string, number>();
    const ungraded = new Set<string>();
    for (const [doc, grade] of grades.get(id) ?? []) {
      if (cranfieldGain(grade) > 0) relevant.set(doc, cranfieldGain(grade));
      else ungraded.add(doc);
    }
    return { id, originalId: r.id, text: fieldText(r, "W"), relevant, ungraded };
  });
}

function readPart(dir: string, name: string): string {
  const file = path.join(dir, name);
  try {
    return fs.readFileSync(file, "latin1");
  } catch (cause) {
    throw new BrainError("not_found", `The Cranfield file ${file} could not be read.`, {
      hint: "Set BRAIN_CRANFIELD_DIR to the folder holding cran.all.1400, cran.qry and cranqrel.",
      cause,
    });
  }
}

/**
 * Loads the whole collection from `dir` (default: {@link cranfieldDir}).
 *
 * @example
 * const { docs, queries } = loadCranfield(); // 1400 docs, 225 queries
 */
export function loadCranfield(dir: string = cranfieldDir()): Cranfield {
  const docs = parseCranfieldDocs(readPart(dir, "cran.all.1400"));
  const queries = parseCranfieldQueries(readPart(dir, "cran.qry"), readPart(dir, "cranqrel"));
  return { docs, queries };
}

/**
 * The collection in the shape the runner imports and scores: one entry per document (its abstract,
 * whose first sentence is the title), one query per question with its graded judgments. Documents
 * 471 and 995 are empty in the original (no title, no text); the store refuses empty text, so they
 * are not imported. The judgment (query 125, document 995, grade 3) stays: no system can find it,
 * as in every published run on this collection.
 *
 * @example
 * cranfieldCollection(loadCranfield()).docs[0].ref // "1"
 */
export function cranfieldCollection(cranfield: Cranfield = loadCranfield()): Collection {
  return {
    name: "cranfield",
    docs: cranfield.docs.filter((d) => d.text !== "").map((d) => ({ ref: d.id, text: d.text, kind: "note" })),
    queries: cranfield.queries.map((q) => ({ id: q.id, text: q.text, relevant: q.relevant })),
  };
}
