import { recentAnswer } from "../mcp/answers.ts";
import { answerThroughGate } from "./gate.ts";

type Input = {
  /** How many memories to return, 1 to 100; 10 when not given. */
  limit?: number;
  /** Only memories of this kind: note, fact, preference, decision or state. */
  kind?: "note" | "fact" | "preference" | "decision" | "state";
  /** Only memories with this tag, without '#', such as "billing". */
  tag?: string;
};

/** The most recently saved memories, newest first. */
export default async function tool(input: Input = {}): Promise<string> {
  return answerThroughGate("recent-memories", input, (brain, out) =>
    recentAnswer(brain, out, { ...input, limit: Math.min(input.limit ?? 10, 100) }),
  );
}
