import { searchAnswer } from "../mcp/answers.ts";
import { answerThroughGate } from "./gate.ts";

type Input = {
  /** Words or a question to search the memories for. */
  query: string;
  /** Only memories of this kind: note, fact, preference, decision or state. */
  kind?: "note" | "fact" | "preference" | "decision" | "state";
  /** Only memories with this tag, without '#', such as "billing". */
  tag?: string;
  /** Only memories created at or after this ISO 8601 time, such as "2026-03-01". */
  since?: string;
  /** Only memories created before this ISO 8601 time. */
  until?: string;
  /** How many memories to return, 1 to 50; 10 when not given. */
  limit?: number;
};

/**
 * Searches the person's memories by keyword and meaning. Returns one line per memory:
 * [id] (kind, date, #tags) text. Private memories are never returned, only counted.
 */
export default async function tool(input: Input): Promise<string> {
  return answerThroughGate("search-memory", input, (brain, out) =>
    searchAnswer(brain, out, input.query, { ...input, limit: Math.min(input.limit ?? 10, 50) }),
  );
}
