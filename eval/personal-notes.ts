/**
 * The personal-notes collection: 300 short notes of one software engineer's work and life
 * (`eval/notes/notes.jsonl`, one `.jsonl` import line per note plus a `ref`), 89 questions
 * (`eval/notes/questions.json`) and 28 temporal ones (`eval/notes/temporal.json`), of five types:
 *
 * - keyword: shares words with the notes that answer it;
 * - meaning: shares no content word (after Porter stemming, tags included) with its answers;
 * - graph: its answer shares no content word with it, but is one hop away, by [[link]], #tag or
 *   @person, from a `via` note that does;
 * - temporal: names a time in words ("last week", "in March 2024"), asked on its own `today`;
 *   written before the time understanding was measured on them, and not changed after;
 * - none: nothing stored answers it (for the abstention floor).
 *
 * The word-overlap claims are checked against a real FTS5 index in test/eval-notes.test.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { BrainError } from "../src/core/base/errors.ts";
import type { Collection, EntryKind, QuestionType } from "./collection.ts";

export interface NoteRecord {
  ref: string;
  text: string;
  kind: EntryKind;
  key?: string;
  tags?: string[];
  /** Where the note came from (a URL), as written; the runner's import uses `notes:<ref>` instead. */
  source?: string;
  created_at: string;
}

export interface NoteQuestion {
  id: string;
  type: QuestionType;
  text: string;
  /** Refs of the notes that answer it (all of gain 1); empty for type "none". */
  relevant: string[];
  /** For type "graph": the notes that match the question and link to the answer. */
  via?: string[];
  /** For type "temporal": the day it is asked (YYYY-MM-DD). */
  today?: string;
}

export interface PersonalNotes {
  notes: NoteRecord[];
  questions: NoteQuestion[];
}

const KINDS: readonly string[] = ["note", "fact", "preference", "decision", "state"];
const TYPES: readonly string[] = ["keyword", "meaning", "graph", "temporal", "none"];

/**
 * The day the questions without their own are asked: the day after the last note, fixed so that
 * "this year" in a question means the same on every run.
 */
export const NOTES_TODAY = "2025-06-25";

/** The folder holding notes.jsonl and questions.json. */
export const NOTES_DIR = path.join(import.meta.dirname, "notes");

function invalid(message: string): BrainError {
  return new BrainError("bad_input", message, { hint: `Fix the file in ${NOTES_DIR}.` });
}

function parseNotes(content: string): NoteRecord[] {
  return content
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      const note = JSON.parse(line) as NoteRecord;
      if (!/^n\d{3}$/.test(note.ref) || !note.text || !KINDS.includes(note.kind)) {
        throw invalid(`notes.jsonl line ${i + 1} needs a ref like n042, a text and a known kind.`);
      }
      return note;
    });
}

function checkQuestions(questions: NoteQuestion[], refs: Set<string>): void {
  for (const q of questions) {
    const named = [...q.relevant, ...(q.via ?? [])];
    const unknown = named.filter((ref) => !refs.has(ref));
    if (!TYPES.includes(q.type) || unknown.length > 0) {
      throw invalid(`Question ${q.id} has type ${q.type} and unknown refs [${unknown.join(", ")}].`);
    }
    if (
      (q.type === "none") !== (q.relevant.length === 0) ||
      (q.type === "graph") !== (q.via !== undefined) ||
      (q.type === "temporal") !== (q.today !== undefined)
    ) {
      throw invalid(
        `Question ${q.id}: only "none" questions may lack answers, only "graph" ones have "via", only "temporal" ones "today".`,
      );
    }
  }
}

/**
 * Reads and checks the notes and questions (unique refs, known kinds and types, every named ref
 * exists).
 *
 * @example
 * const { notes, questions } = loadPersonalNotes(); // 300 notes, 117 questions
 */
export function loadPersonalNotes(dir: string = NOTES_DIR): PersonalNotes {
  const notes = parseNotes(fs.readFileSync(path.join(dir, "notes.jsonl"), "utf8"));
  const refs = new Set(notes.map((n) => n.ref));
  if (refs.size !== notes.length) throw invalid("notes.jsonl has a repeated ref.");
  const read = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as NoteQuestion[];
  const temporal = fs.existsSync(path.join(dir, "temporal.json")) ? read("temporal.json") : [];
  const questions = [...read("questions.json"), ...temporal];
  checkQuestions(questions, refs);
  return { notes, questions };
}

/**
 * The notes as an evaluation collection (`source` of each imported entry: `notes:<ref>`).
 *
 * @example
 * personalNotesCollection().queries.filter((q) => q.type === "none").length // 17
 */
export function personalNotesCollection(set: PersonalNotes = loadPersonalNotes()): Collection {
  return {
    name: "notes",
    today: NOTES_TODAY,
    docs: set.notes.map(({ ref, text, kind, key, tags, created_at }) => ({
      ref,
      text,
      kind,
      key,
      tags,
      created_at,
    })),
    queries: set.questions.map((q) => ({
      id: q.id,
      text: q.text,
      type: q.type,
      ...(q.today ? { today: q.today } : {}),
      relevant: new Map(q.relevant.map((ref) => [ref, 1])),
    })),
  };
}

/**
 * A note's title: its first `# Heading`, else its first line.
 *
 * @example
 * noteTitle("# Billing v2\nNew pipeline") // "Billing v2"
 */
export function noteTitle(text: string): string {
  const heading = /^#\s+(.+)$/m.exec(text);
  return (heading?.[1] ?? text.split("\n")[0] ?? "").trim();
}

/**
 * What ties a note to others: [[link]] targets, #tags (written or given) and @people, lowercased.
 *
 * @example
 * noteLinks({ text: "See [[Ledger design]] with @jonas #db", tags: ["billing"] })
 * // { links: ["ledger design"], tags: ["db", "billing"], people: ["jonas"] }
 */
export function noteLinks(note: { text: string; tags?: string[] }): {
  links: string[];
  tags: string[];
  people: string[];
} {
  const all = (re: RegExp) => [...note.text.matchAll(re)].map((m) => (m[1] ?? "").toLowerCase());
  return {
    links: all(/\[\[([^\]]+)\]\]/g),
    tags: [...new Set([...all(/(?<![\p{L}\p{N}&/#])#([\p{L}][\p{L}\p{N}_-]*)/gu), ...(note.tags ?? [])])],
    people: all(/(?<![\p{L}\p{N}])@([\p{L}][\p{L}\p{N}_-]*)/gu),
  };
}
