import { Action, type Tool } from "@raycast/api";
import { rememberAnswer } from "../mcp/answers.ts";
import { answerThroughGate, RAYCAST_AI_SOURCE } from "./gate.ts";

type Input = {
  /** What to remember, in plain words. Tags such as #billing, mentions of people and [[links]] in it are picked up. */
  text: string;
  /** note (default), fact, preference, decision or state. */
  kind?: "note" | "fact" | "preference" | "decision" | "state";
  /** For a fact or preference with one current value, a stable name such as "editor": saving it again replaces the value. */
  key?: string;
  /** Tags without '#', such as ["billing"]. */
  tags?: string[];
};

/** Asks the person before anything is saved, showing what will be saved. */
export const confirmation: Tool.Confirmation<Input> = async (input) => ({
  style: Action.Style.Regular,
  message: "Save this memory to Local Brain?",
  info: [
    { name: "Text", value: input.text },
    { name: "Kind", value: input.kind ?? "note" },
    { name: "Key", value: input.key },
    { name: "Tags", value: input.tags?.length ? input.tags.map((t) => `#${t}`).join(" ") : undefined },
  ],
});

/** Saves a memory to the person's Local Brain, only when they ask to remember something. */
export default async function tool(input: Input): Promise<string> {
  return answerThroughGate("remember", input, (brain, out) =>
    rememberAnswer(brain, out, { ...input, source: RAYCAST_AI_SOURCE }),
  );
}
