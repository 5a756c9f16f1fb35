import {
  BrainError,
  isBrainError,
  type ToolChatModel,
  type ToolMessage,
  type ToolTurn,
} from "../base/index.ts";
import { requestOptions, settleWith, type Destination } from "../privacy/index.ts";
import { runCalls, type AgentStep, type CallState } from "./calls.ts";
import { agentMessages, ANSWER_NOW } from "./prompt.ts";
import { agentToolDefinitions } from "./tools.ts";

/**
 * The loop: the model reasons, calls tools, sees their results, and repeats until it answers. It is
 * bounded by steps (model turns that may call tools), a wall clock, and a budget of tokens for tool
 * results; past any of them the model gets one last turn without tools and answers from what it
 * has. Every request passes the privacy gate: the memories it carries pass the model's egress
 * and the request is in the ledger (for a model not on this machine) before it is made.
 */

/** Below this many tokens left for tool results, no more tools are offered. */
const MIN_TOOL_TOKENS = 200;

export interface LoopLimits {
  maxSteps: number;
  maxMs: number;
}

export interface LoopInput {
  model: ToolChatModel;
  destination: Destination;
  state: CallState;
  limits: LoopLimits;
  today: string;
  note: (notice: string) => void;
  onStep?: (step: AgentStep) => void;
}

/**
 * Runs turns until the model answers without calling a tool, or a bound is reached.
 *
 * @example
 * const { answer, steps } = await runLoop({ model, destination, state, limits, today, note });
 */
export async function runLoop(input: LoopInput): Promise<{ answer: string; steps: AgentStep[] }> {
  const { state, limits } = input;
  const messages = agentMessages(state.question, input.today);
  const steps: AgentStep[] = [];
  const clock = AbortSignal.timeout(Math.max(0, limits.maxMs));
  const tools = agentToolDefinitions();
  for (let step = 1; ; step++) {
    const stop = stopReason(step, input, clock);
    if (stop) return { answer: await finalAnswer(input, messages, stop), steps };
    const turn = await offeredTurn(input, messages, tools, clock);
    if (!turn) return { answer: await finalAnswer(input, messages, "time"), steps };
    if (turn.toolCalls.length === 0) return { answer: answerOf(input.model, turn), steps };
    messages.push({ role: "assistant", content: turn.content, toolCalls: turn.toolCalls });
    const done = await runCalls(state, turn.toolCalls, step, input.onStep);
    messages.push(...done.messages);
    steps.push(...done.steps);
  }
}

type Stop = "steps" | "time" | "budget";

function stopReason(step: number, input: LoopInput, clock: AbortSignal): Stop | null {
  if (step > input.limits.maxSteps) return "steps";
  if (clock.aborted) return "time";
  if (input.state.tokensLeft < MIN_TOOL_TOKENS) return "budget";
  return null;
}

const STOPPED: Record<Stop, (input: LoopInput) => string> = {
  steps: (i) =>
    `Stopped after ${i.limits.maxSteps} ${i.limits.maxSteps === 1 ? "step" : "steps"}: answered from what was read.`,
  time: (i) => `Stopped at the time limit (${duration(i.limits.maxMs)}): answered from what was read.`,
  budget: () => "The budget for memories was used up: answered from what was read.",
};

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/** A turn with the tools offered; `null` when the wall clock stopped it. */
async function offeredTurn(
  input: LoopInput,
  messages: ToolMessage[],
  tools: ReturnType<typeof agentToolDefinitions>,
  clock: AbortSignal,
): Promise<ToolTurn | null> {
  const user = input.state.signal;
  const signal = user ? AbortSignal.any([user, clock]) : clock;
  try {
    return await send(input, messages, tools, signal);
  } catch (err) {
    if (isBrainError(err, "cancelled") && clock.aborted && !user?.aborted) return null;
    throw err;
  }
}

/**
 * The last turn: no tools, the model answers from what it was shown. A model that says nothing
 * then (small models do, after a run of tool calls) leaves the answer empty: what it read is
 * still worth showing (agent.ts, finish).
 */
async function finalAnswer(input: LoopInput, messages: ToolMessage[], stop: Stop): Promise<string> {
  input.note(STOPPED[stop](input));
  messages.push({ role: "user", content: ANSWER_NOW });
  return (await send(input, messages, [], input.state.signal)).content.trim();
}

/**
 * One request through the gate: the memories the conversation carries pass the model's egress
 * (they were screened for it when the tools ran, so none may be held back now) and the private
 * ones the tools found are counted as withheld; the row is written, then the request is made and
 * its row settled by the outcome.
 */
async function send(
  input: LoopInput,
  messages: ToolMessage[],
  tools: ReturnType<typeof agentToolDefinitions>,
  signal: AbortSignal | undefined,
): Promise<ToolTurn> {
  const { state, model } = input;
  if (state.signal?.aborted) throw new BrainError("cancelled", "Cancelled: the question was stopped.");
  const out = state.gate.open(input.destination, state.question);
  const carried = state.book.memories.map((m) => m.entry);
  if (out.pass(carried).length !== carried.length) {
    throw new BrainError(
      "chat_failed",
      "A memory that may not leave this machine was about to be sent; nothing was.",
      {
        hint: "This is a defect: please report it.",
      },
    );
  }
  // The private memories the tools found are counted in the row as withheld (screened, not sent).
  out.screen([...state.held.values()]);
  out.send(Buffer.byteLength(JSON.stringify({ messages, tools }), "utf8"));
  return settleWith(out, model.turn(messages, tools, requestOptions(out, signal)));
}

function answerOf(model: ToolChatModel, turn: ToolTurn): string {
  if (turn.content.trim() !== "") return turn.content;
  throw new BrainError(
    model.route === "cloud" ? "cloud_failed" : "chat_failed",
    `${model.model} returned an empty answer.`,
    {
      hint: "Try again; if it keeps happening, try another model.",
    },
  );
}
