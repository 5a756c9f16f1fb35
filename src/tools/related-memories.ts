import { relatedAnswer } from "../mcp/answers.ts";
import { answerThroughGate } from "./gate.ts";

type Input = {
  /** A memory id such as "42", or a tag "#billing", a person "@maria", a title "[[Billing v2]]" or a URL. */
  target: string;
  /** How many steps of links to follow, 1 to 4; 2 when not given. */
  depth?: number;
  /** How many linked memories and topics to return, 1 to 100; 20 when not given. */
  limit?: number;
};

/** Memories and topics linked to a memory, tag, person, title or URL, each with why it is linked. */
export default async function tool(input: Input): Promise<string> {
  return answerThroughGate("related-memories", input, (brain, out) =>
    relatedAnswer(brain, out, input.target, {
      depth: Math.min(Math.max(input.depth ?? 2, 1), 4),
      limit: Math.min(input.limit ?? 20, 100),
    }),
  );
}
