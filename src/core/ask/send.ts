import type { ContextMemory } from "./prompt.ts";
import { requestOptions, type Egress } from "../privacy/index.ts";
import { BrainError, isBrainError, type ChatMessage, type ChatModel } from "../base/index.ts";

/**
 * Sending an ask request: through the gate (the ledger row is written before the request when the
 * model is not on this machine, and gets its outcome after), then streaming the answer.
 */

/** The bytes a list of chat messages puts on the wire as text (UTF-8). */
export function messageBytes(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + Buffer.byteLength(m.content, "utf8"), 0);
}

/**
 * Streams the answer. `egress` is the model's destination, opened by the caller, whose screen
 * already held back what may not go there; the packed memories pass it here, the row is written,
 * and only then is the request made.
 */
export async function streamAnswer(
  model: ChatModel,
  messages: ChatMessage[],
  sent: { egress: Egress; memories: readonly ContextMemory[] },
  options: { signal?: AbortSignal; onToken?: (token: string) => void },
): Promise<string> {
  const { egress } = sent;
  const entries = sent.memories.map((m) => m.entry);
  if (egress.pass(entries).length !== entries.length) {
    throw new BrainError(
      "chat_failed",
      "A memory that may not leave this machine was about to be sent; nothing was.",
      {
        hint: "This is a defect: please report it.",
      },
    );
  }
  egress.send(messageBytes(messages));
  let answer = "";
  try {
    for await (const token of model.chat(messages, requestOptions(egress, options.signal))) {
      answer += token;
      options.onToken?.(token);
    }
  } catch (err) {
    egress.settle(isBrainError(err, "cancelled") ? "cancelled" : "failed");
    throw err;
  }
  egress.settle("answered");
  if (answer.trim() === "") {
    throw new BrainError(
      model.route === "cloud" ? "cloud_failed" : "chat_failed",
      `${model.model} returned an empty answer.`,
      { hint: "Try again; if it keeps happening, try another model." },
    );
  }
  return answer;
}
