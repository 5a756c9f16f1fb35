import type { Brain } from "../core/brain.ts";
import { isBrainError } from "../core/base/index.ts";
import { mayPass, type Destination, type Egress } from "../core/privacy/index.ts";
import { withBrain } from "../helpers/brain.ts";
import { noted, type Answer } from "../mcp/answers.ts";
import { entryHead, entryLine } from "../mcp/format.ts";
import { CLI_HINT } from "../mcp/results.ts";

/**
 * The Raycast AI side of the privacy gate. Raycast AI is a cloud assistant: every tool call opens
 * one egress towards it, #private memories are held back (counted, never their text) and the
 * call's ledger row (road `raycast-ai`) is written before the answer is returned. A tool file
 * exports `answerThroughGate(...)` as its result and nothing else that holds memory text.
 */

/** Raycast AI in the ledger. */
export const RAYCAST_AI: Destination = { class: "assistant", road: "raycast-ai", name: "Raycast AI" };

/** Where memories saved by Raycast AI say they came from. */
export const RAYCAST_AI_SOURCE = "raycast-ai";

/**
 * Runs one tool call: opens a Brain and an egress, lets `answer` build the text from what passes,
 * adds the withheld count and records the bytes. A failure is recorded too (its message holds no
 * memory text) and thrown as one sentence with the next step.
 *
 * @example
 * return answerThroughGate("get-memory", input, (brain, out) => getAnswer(brain, out, input.id));
 */
export function answerThroughGate(
  tool: string,
  input: unknown,
  answer: (brain: Brain, out: Egress) => Answer | Promise<Answer>,
): Promise<string> {
  return withBrain(async (brain) => {
    const out = brain.egress.open(RAYCAST_AI, `${tool} ${JSON.stringify(input ?? {})}`.slice(0, 300));
    let text: string;
    try {
      text = noted(out, (await answer(brain, out)).text);
    } catch (err) {
      const failure = new Error(toolMessage(err));
      out.send(Buffer.byteLength(failure.message, "utf8"));
      throw failure;
    }
    out.send(Buffer.byteLength(text, "utf8"));
    return text;
  });
}

/** One sentence and the next step, in the tools' own words rather than the command line's. */
function toolMessage(err: unknown): string {
  if (!isBrainError(err))
    return `Local Brain could not finish: ${err instanceof Error ? err.message : String(err)}`;
  if (err.code === "not_found" && err.message.startsWith("There is no entry")) {
    return `${err.message} Find ids with the search-memory or recent-memories tool.`;
  }
  return err.hint && !CLI_HINT.test(err.hint) ? `${err.message} ${err.hint}` : err.message;
}

/**
 * What a confirmation shows about an existing memory: its line, or only its head when it is
 * private (a confirmation is drawn by Raycast, whose AI chat is in the cloud). Undefined when there
 * is no memory with this id.
 *
 * @example
 * await describeForConfirmation(42); // "[42] (decision, 2026-03-01, #billing) we chose Postgres"
 */
export function describeForConfirmation(id: number): Promise<string | undefined> {
  return withBrain((brain) => {
    const entry = brain.entries.find(id);
    if (!entry) return undefined;
    return mayPass(RAYCAST_AI, entry)
      ? entryLine(entry, 200)
      : `${entryHead(entry)} (private: text not shown)`;
  });
}
