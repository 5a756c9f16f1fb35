import { ASK_SYSTEM_PROMPT, renderMemory, userFrame, type ContextMemory } from "./prompt.ts";
import type { AskCandidate } from "./retrieval.ts";

/**
 * Packing memories into a model's context window, best first. Token counts are estimated at four
 * characters per token (close for English with the tokenizers in use, and on the safe side for
 * code); the answer keeps a reserve of its own.
 */

export const CHARS_PER_TOKEN = 4;
/** Tokens kept free for the answer. */
export const ANSWER_RESERVE_TOKENS = 1024;
/** A memory that does not fit whole is cut to what is left only when at least this much is left. */
const MIN_TRUNCATED_TOKENS = 128;

/** Estimated tokens of a text: characters / 4, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Tokens left for memories in a window of `contextTokens`, after the prompt, the question and the answer. */
export function memoryBudget(contextTokens: number, question: string, today: string): number {
  const frame = userFrame(question, today);
  const fixed = estimateTokens(ASK_SYSTEM_PROMPT + frame.before + frame.after) + 16;
  return Math.max(0, contextTokens - ANSWER_RESERVE_TOKENS - fixed);
}

export interface Packed {
  memories: ContextMemory[];
  /** Candidates left out because the window was full. */
  left: AskCandidate[];
}

/**
 * Fills the budget with candidates in order: each whole when it fits; the first one that does not
 * fit is cut to the space left (when that is worth it), and nothing follows a cut memory.
 *
 * @example
 * const { memories, left } = packContext(candidates, memoryBudget(8192, question, "2025-03-02"));
 */
export function packContext(candidates: readonly AskCandidate[], budgetTokens: number): Packed {
  const memories: ContextMemory[] = [];
  let used = 0;
  let full = false;
  const left: AskCandidate[] = [];
  for (const entry of candidates) {
    if (full) {
      left.push(entry);
      continue;
    }
    const n = memories.length + 1;
    const whole: ContextMemory = { n, entry, text: entry.text, truncated: false };
    const cost = estimateTokens(renderMemory(whole)) + 1;
    if (used + cost <= budgetTokens) {
      memories.push(whole);
      used += cost;
      continue;
    }
    const room = budgetTokens - used - (cost - estimateTokens(entry.text)) - 2;
    if (room >= MIN_TRUNCATED_TOKENS) {
      memories.push({ n, entry, text: cutText(entry.text, room * CHARS_PER_TOKEN), truncated: true });
    } else left.push(entry);
    full = true;
  }
  return { memories, left };
}

/** True when every candidate fits the budget whole. */
export function fitsWhole(candidates: readonly AskCandidate[], budgetTokens: number): boolean {
  const { memories, left } = packContext(candidates, budgetTokens);
  return left.length === 0 && memories.every((m) => !m.truncated);
}

/** The text cut to at most `chars` characters (escaping can grow it: leave a margin), at a word boundary. */
export function cutText(text: string, chars: number): string {
  const limit = Math.floor(chars * 0.9);
  const slice = text.slice(0, limit);
  const atWord = slice.replace(/\s+\S*$/, "");
  return `${atWord.length > limit / 2 ? atWord : slice}…`;
}
