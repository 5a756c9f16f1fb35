import { BrainError } from "../base/index.ts";
import { describeModel, type StructuredModel } from "./structured.ts";

/**
 * Refuses a structured model that is not on this machine. Structured tasks (enrichment, the
 * digest) send memory text to the model; until such text can pass the privacy boundary with a
 * ledger record, it goes only to a model on this Mac.
 *
 * @example
 * assertLocal(model, "The digest");
 */
export function assertLocal(model: StructuredModel, what: string): void {
  if (model.local) return;
  throw new BrainError(
    "structured_not_local",
    `${what} runs only on a model on this machine, and ${describeModel(model)} is not on a loopback address.`,
    {
      hint: "Point OLLAMA_HOST at this machine (http://127.0.0.1:11434), or install the Apple Foundation Models helper.",
    },
  );
}
