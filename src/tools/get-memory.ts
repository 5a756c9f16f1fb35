import { getAnswer } from "../mcp/answers.ts";
import { answerThroughGate } from "./gate.ts";

type Input = {
  /** The memory's id: the number in [brackets] in search-memory and recent-memories results. */
  id: number;
};

/** The whole text of one memory, where it came from and its earlier values. */
export default async function tool(input: Input): Promise<string> {
  return answerThroughGate("get-memory", input, (brain, out) => getAnswer(brain, out, input.id));
}
