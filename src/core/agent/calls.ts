import { BrainError, type ToolCall, type ToolMessage } from "../base/index.ts";
import type { Destination, EgressGate } from "../privacy/index.ts";
import { renderFinding, type MemoryBook } from "./render.ts";
import { runAgentTool, ToolRefusal, type AgentMemory, type ToolFinding } from "./tools.ts";

/**
 * One step's tool calls: each is checked, run through its screen, rendered and answered with a
 * `role: "tool"` message; a call that cannot run (unknown tool, bad arguments, a repeat, over the
 * per-step limit, an id that is not stored) gets an error result and the loop goes on.
 */

/** Most calls one step may make; further ones in the same step get an error result. */
export const MAX_CALLS_PER_STEP = 4;

/** One call as it happened, for the trace: "search: billing decision → 4 results". */
export interface AgentStep {
  /** The model turn it belongs to, 1-based. */
  step: number;
  tool: string;
  args: unknown;
  /** What it was called with, short: the query, the id, the target. */
  label: string;
  /** "4 results", or why it failed. */
  outcome: string;
  ok: boolean;
  /** The ids of the memories it showed the model. */
  ids: number[];
}

/**
 * One call on one line, for a terminal or a progress message.
 *
 * @example
 * describeStep({ tool: "search", label: "billing decision", outcome: "4 results", ... }) // "search: billing decision → 4 results"
 */
export function describeStep(step: Pick<AgentStep, "tool" | "label" | "outcome">): string {
  return `${step.tool}${step.label ? `: ${step.label}` : ""} → ${step.outcome}`;
}

/** What the calls of one loop share. */
export interface CallState {
  memory: AgentMemory;
  gate: EgressGate;
  /** Where the memories go: the model's destination, or the audience's when that is stricter. */
  screen: Destination;
  question: string;
  book: MemoryBook;
  /** Calls made so far, by tool and arguments: a repeat is refused. */
  made: Set<string>;
  tokensLeft: number;
  /** The private memories the tools held back, by id (never their text). */
  held: Map<number, { id: number; tags: readonly string[] }>;
  signal?: AbortSignal;
}

/**
 * Runs the calls of one model turn, in order, and returns the tool messages and the trace.
 *
 * @example
 * const { messages, steps } = await runCalls(state, turn.toolCalls, 2, onStep);
 */
export async function runCalls(
  state: CallState,
  calls: ToolCall[],
  step: number,
  onStep?: (step: AgentStep) => void,
): Promise<{ messages: ToolMessage[]; steps: AgentStep[] }> {
  const messages: ToolMessage[] = [];
  const steps: AgentStep[] = [];
  for (const [i, call] of calls.entries()) {
    if (state.signal?.aborted) throw new BrainError("cancelled", "Cancelled: the question was stopped.");
    const { content, trace } =
      i < MAX_CALLS_PER_STEP
        ? await runCall(state, call)
        : refused(call, `At most ${MAX_CALLS_PER_STEP} calls per step: this one was not run.`);
    messages.push({ role: "tool", callId: call.id, name: call.name, content, isError: !trace.ok });
    const done: AgentStep = { step, tool: call.name, args: call.arguments, label: labelOf(call), ...trace };
    steps.push(done);
    onStep?.(done);
  }
  return { messages, steps };
}

type Trace = Pick<AgentStep, "outcome" | "ok" | "ids">;

async function runCall(state: CallState, call: ToolCall): Promise<{ content: string; trace: Trace }> {
  const key = `${call.name} ${stableJson(call.arguments ?? {})}`;
  if (state.made.has(key)) {
    return refused(
      call,
      `${call.name} was already called with these arguments; its result is above. Call something else, or answer.`,
    );
  }
  state.made.add(key);
  const out = state.gate.open(state.screen, `${state.question} · ${key}`.slice(0, 300));
  let found: ToolFinding;
  try {
    found = await runAgentTool(state.memory, call.name, call.arguments, out);
  } catch (err) {
    if (err instanceof ToolRefusal) return refused(call, err.message);
    throw err;
  }
  for (const entry of found.held) state.held.set(entry.id, entry);
  const rendered = renderFinding(`${call.name} ${labelOf(call)}`, found, state.book, state.tokensLeft);
  state.tokensLeft -= rendered.tokens;
  const ids = rendered.shown.map((m) => m.entry.id);
  const outcome = `${rendered.found} ${rendered.found === 1 ? "result" : "results"}${rendered.left ? `, ${rendered.left} over the budget` : ""}`;
  return { content: rendered.content, trace: { outcome, ok: true, ids } };
}

function refused(call: ToolCall, sentence: string): { content: string; trace: Trace } {
  return { content: `Error: ${sentence}`, trace: { outcome: `error: ${sentence}`, ok: false, ids: [] } };
}

/** The argument that says what a call is about. */
function labelOf(call: ToolCall): string {
  const args = (
    typeof call.arguments === "object" && call.arguments !== null ? call.arguments : {}
  ) as Record<string, unknown>;
  const main = args.query ?? args.target ?? args.id ?? args.kind ?? args.tag;
  if (main === undefined) return "";
  return typeof main === "string" ? main.slice(0, 120) : JSON.stringify(main);
}

/** JSON with object keys sorted, so the same arguments in another order are the same call. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
