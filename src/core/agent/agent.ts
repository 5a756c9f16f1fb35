import {
  abstain,
  beginQuestion,
  ASK_RELEVANCE_FLOOR,
  cloudDestination,
  estimateTokens,
  parseCitations,
  toCitation,
  retrieveVisible,
  type AskAnswer,
  type AskOptions,
  type AskRetrievalDeps,
} from "../ask/index.ts";
import {
  mayPass,
  type CloudConsent,
  type Destination,
  type Egress,
  type EgressGate,
} from "../privacy/index.ts";
import type { Clock, ToolChatModel } from "../base/index.ts";
import type { AgentStep, CallState } from "./calls.ts";
import { runLoop, type LoopLimits } from "./loop.ts";
import { AGENT_SYSTEM_PROMPT } from "./prompt.ts";
import { MemoryBook } from "./render.ts";
import type { AgentMemory } from "./tools.ts";

/**
 * `ask --agent`: the model finds the memories itself with the read-only memory tools, in a loop
 * (see loop.ts), then answers with the same [n] citations as `ask`. It abstains as `ask` does:
 * when retrieval finds nothing above the relevance floor no model is called, and when the tools
 * showed the model no memory at all its text is not taken for an answer.
 */

/** Default bounds: steps (model turns that may call tools), wall clock, tokens of tool results. */
export const AGENT_MAX_STEPS = 6;
export const AGENT_MAX_MS = 120_000;
export const AGENT_TOOL_TOKENS = 8000;
/** Tokens kept free in the window besides the tool results: the prompt, the tools' schemas, the answer. */
const WINDOW_RESERVE = 2560;

export interface AgentDeps extends AskRetrievalDeps {
  clock: Clock;
  gate: EgressGate;
  /** What the tools read. */
  memory: AgentMemory;
  localTools: ToolChatModel;
  cloudTools: (consent: CloudConsent) => Promise<ToolChatModel>;
  localDestination: Destination;
}

export interface AgentOptions extends Pick<AskOptions, "route" | "signal" | "onNotice" | "audience"> {
  /** Most model turns that may call tools (default 6); one more turn answers without them. */
  maxSteps?: number;
  /** Wall-clock limit in ms (default 120 s): no step starts after it, and one in flight is stopped. */
  maxMs?: number;
  /** Most tokens of tool results the model is shown in all (default: 8,000, less in a small window). */
  toolTokens?: number;
  /** Called with each tool call as soon as it has run. */
  onStep?: (step: AgentStep) => void;
  /** Called once the model is chosen, before its first request. */
  onStart?: (start: { route: "local" | "cloud"; model: string }) => void;
}

export interface AgentAnswer extends AskAnswer {
  /** Every tool call, in order. */
  steps: AgentStep[];
}

/**
 * Answers `question` with the memory tools. Throws `cloud_not_allowed` for `route: "cloud"` without
 * consent, `cancelled` when the signal aborts, and the model's errors.
 *
 * @example
 * const result = await askAgent(deps, "who was in the meeting where we chose Stripe?", { onStep: (s) => console.log(s.tool) });
 */
export async function askAgent(
  deps: AgentDeps,
  question: string,
  options: AgentOptions = {},
): Promise<AgentAnswer> {
  const { q, requested, consent, notices, note } = beginQuestion(deps, question, options);
  // Measured on what the audience may see, counting nothing: what the tools hold back is counted below.
  const screen = options.audience && deps.gate.open(options.audience.destination, q);
  const { relevance } = await retrieveVisible(deps, q, screen, note);
  if (relevance < ASK_RELEVANCE_FLOOR) return { ...abstain(relevance, notices), steps: [] };
  const { model, destination } = await pickModel(deps, requested === "cloud" ? consent : null);
  options.onStart?.({ route: model.route, model: model.model });
  const state = callState(deps, q, model, destination, options);
  const limits: LoopLimits = {
    maxSteps: options.maxSteps ?? AGENT_MAX_STEPS,
    maxMs: options.maxMs ?? AGENT_MAX_MS,
  };
  const today = deps.clock.now().toISOString().slice(0, 10);
  const loop = await runLoop({ model, destination, state, limits, today, note, onStep: options.onStep });
  return finish({ model, destination, state, loop, relevance, notices, note, audience: options.audience });
}

/** The answer when the model's last turn, forced by a bound, said nothing. */
export const NO_FINAL_ANSWER = "gave no answer from what it read; the memories it read are listed below.";

/** The answer from what the loop read: cited by number, or an abstention when it read nothing. */
function finish(done: {
  model: ToolChatModel;
  destination: Destination;
  state: CallState;
  loop: { answer: string; steps: AgentStep[] };
  relevance: number;
  notices: string[];
  note: (notice: string) => void;
  audience?: Egress;
}): AgentAnswer {
  const { model, state, loop, note } = done;
  const held = state.held.size;
  const where = model.route === "cloud" ? "the cloud" : done.destination.name;
  // An audience is told by its own egress (its reply says how many were withheld).
  if (done.audience) done.audience.screen([...state.held.values()]);
  else if (held > 0)
    note(`${held} private ${held === 1 ? "memory was" : "memories were"} kept off ${where}.`);
  const read = state.book.memories;
  const ran = { steps: loop.steps, route: model.route, model: model.model };
  if (read.length === 0) {
    note("The memory tools found nothing to answer from.");
    return { ...abstain(done.relevance, done.notices), ...ran };
  }
  done.audience?.pass(read.map((m) => m.entry));
  const answer = loop.answer || `${model.model} ${NO_FINAL_ANSWER}`;
  const { cited, unknown } = parseCitations(answer, read);
  if (unknown.length) note(`The answer cites [${unknown.join("], [")}], which name no memory it was given.`);
  const sources = read.map(toCitation);
  return {
    ...ran,
    answer,
    abstained: false,
    citations: cited,
    sources,
    relevance: done.relevance,
    notices: done.notices,
  };
}

async function pickModel(
  deps: AgentDeps,
  consent: CloudConsent | null,
): Promise<{ model: ToolChatModel; destination: Destination }> {
  if (!consent) return { model: deps.localTools, destination: deps.localDestination };
  return { model: await deps.cloudTools(consent), destination: cloudDestination(consent) };
}

/**
 * The calls' shared state. Memories are screened for the stricter of the model's destination and
 * the audience's (an MCP client reads the answer, so it may carry only what that client may see).
 */
function callState(
  deps: AgentDeps,
  question: string,
  model: ToolChatModel,
  destination: Destination,
  options: AgentOptions,
): CallState {
  const audience = options.audience?.destination;
  const screen = audience && mayPass(destination, { tags: ["private"] }) ? audience : destination;
  const window = model.contextTokens - WINDOW_RESERVE - estimateTokens(AGENT_SYSTEM_PROMPT + question);
  const tokensLeft = Math.max(0, Math.min(options.toolTokens ?? AGENT_TOOL_TOKENS, window));
  return {
    memory: deps.memory,
    gate: deps.gate,
    screen,
    question,
    book: new MemoryBook(),
    made: new Set(),
    tokensLeft,
    held: new Map(),
    signal: options.signal,
  };
}
