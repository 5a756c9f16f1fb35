import { Action, type Tool } from "@raycast/api";
import { forgetAnswer } from "../mcp/answers.ts";
import { answerThroughGate, describeForConfirmation } from "./gate.ts";

type Input = {
  /** The id of the memory to delete: the number in [brackets] in search-memory results. */
  id: number;
};

/** Asks the person before a memory is deleted, showing which one. Nothing to ask for an unknown id. */
export const confirmation: Tool.Confirmation<Input> = async (input) => {
  const shown = await describeForConfirmation(input.id);
  if (!shown) return undefined;
  return {
    style: Action.Style.Destructive,
    message: `Delete memory ${input.id} for good?`,
    info: [{ name: "Memory", value: shown }],
  };
};

/** Deletes one memory for good, only when the person asks to forget it. */
export default async function tool(input: Input): Promise<string> {
  return answerThroughGate("forget", input, (brain, out) => forgetAnswer(brain, out, input.id));
}
