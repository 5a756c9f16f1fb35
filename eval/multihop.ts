/**
 * Multi-hop questions on the personal-notes set (`eval/notes/multihop.json`): each needs two notes,
 * one that matches the question and one it links to ("what writing rules apply to the emails we send
 * after a failed charge?" needs the dunning emails note, then the voice-and-tone note it links to).
 * Reported: how many of the needed notes plain `ask` puts in front of the model (its packed
 * sources) and how many the agent loop reads, offline: the loop's model is a scripted policy that
 * knows nothing of the answers (search the question, then follow the best hit's links, then answer).
 */
import fs from "node:fs";
import path from "node:path";
import type { Brain } from "../src/core/brain.ts";
import type { ChatModel, ToolChatModel, ToolMessage, ToolTurn } from "../src/core/base/ports.ts";
import { NOTES_DIR } from "./personal-notes.ts";

export interface MultiHopQuestion {
  id: string;
  text: string;
  /** Refs of every note the answer needs. */
  needed: string[];
}

export interface MultiHopRow {
  method: "ask" | "ask --agent";
  /** Questions with every needed note found. */
  complete: number;
  /** Needed notes found, over all questions. */
  found: number;
  needed: number;
  questions: number;
  /** Memories given to the model, over all questions. */
  given: number;
  /** Questions with a needed note missing. */
  missed: string[];
}

/** Reads the questions and checks that every ref names a note. */
export function loadMultiHop(refs: ReadonlySet<string>, dir = NOTES_DIR): MultiHopQuestion[] {
  const questions = JSON.parse(
    fs.readFileSync(path.join(dir, "multihop.json"), "utf8"),
  ) as MultiHopQuestion[];
  for (const q of questions) {
    const unknown = q.needed.filter((ref) => !refs.has(ref));
    if (q.needed.length < 2 || unknown.length) {
      throw new Error(
        `multihop.json: ${q.id} needs two or more known refs (unknown: ${unknown.join(", ")}).`,
      );
    }
  }
  return questions;
}

/** The chat model plain ask gets: it answers at once; what counts is what it was given. */
export const silentChat: ChatModel = {
  route: "local",
  model: "eval-silent",
  contextTokens: 8192,
  async *chat() {
    yield "[1]";
  },
};

/** The scripted policy: search the question, follow the best hit's links, answer. */
export const followPolicy: ToolChatModel = {
  route: "local",
  model: "eval-follow",
  contextTokens: 8192,
  turn: async (messages: ToolMessage[], tools): Promise<ToolTurn> => {
    const results = messages.filter((m) => m.role === "tool");
    const question = messages.find((m) => m.role === "user")!.content.replace(/^.*My question: /, "");
    const best = / id="(\d+)"/.exec(results[0]?.content ?? "");
    if (tools.length === 0 || results.length >= 2 || (results.length === 1 && !best)) {
      return { content: "[1]", toolCalls: [] };
    }
    const call =
      results.length === 0
        ? { id: "c1", name: "search", arguments: { query: question, limit: 5 } }
        : { id: "c2", name: "related", arguments: { target: Number(best![1]), depth: 1, limit: 10 } };
    return { content: "", toolCalls: [call] };
  },
};

/**
 * Asks every question both ways on a Brain built with {@link silentChat} and {@link followPolicy}.
 *
 * @example
 * const rows = await measureMultiHop(brain, questions, "notes");
 */
export async function measureMultiHop(
  brain: Brain,
  questions: MultiHopQuestion[],
  collection: string,
): Promise<MultiHopRow[]> {
  const refOf = (id: number) => brain.entries.get(id).source?.replace(`${collection}:`, "");
  const rows: MultiHopRow[] = (["ask", "ask --agent"] as const).map((method) => ({
    method,
    complete: 0,
    found: 0,
    needed: 0,
    questions: questions.length,
    given: 0,
    missed: [],
  }));
  for (const q of questions) {
    const answers = [await brain.ask(q.text), await brain.askAgent(q.text)];
    for (const [i, answer] of answers.entries()) {
      const seen = new Set(answer.sources.map((s) => refOf(s.id)));
      const found = q.needed.filter((ref) => seen.has(ref)).length;
      rows[i]!.found += found;
      rows[i]!.needed += q.needed.length;
      rows[i]!.given += answer.sources.length;
      if (found === q.needed.length) rows[i]!.complete += 1;
      else rows[i]!.missed.push(q.id);
    }
  }
  return rows;
}

/** The report's lines. */
export function formatMultiHop(rows: MultiHopRow[]): string {
  const lines = [
    "Multi-hop questions (notes): the notes each answer needs, in what the model was given",
    "",
    "| method | questions with every needed note | needed notes found | memories given per question | missed |",
    "|---|---:|---:|---:|---|",
  ];
  for (const r of rows) {
    const mean = (r.given / Math.max(1, r.questions)).toFixed(1);
    lines.push(
      `| ${r.method} | ${r.complete}/${r.questions} | ${r.found}/${r.needed} | ${mean} | ${r.missed.join(" ") || "-"} |`,
    );
  }
  return lines.join("\n");
}
