import { fitsWhole, memoryBudget, packContext } from "./pack.ts";
import { buildAskMessages, parseCitations, type Citation, type ContextMemory } from "./prompt.ts";
import { rerank } from "./rerank.ts";
import {
  ASK_RELEVANCE_FLOOR,
  relevanceOf,
  retrieveForAsk,
  type AskCandidate,
  type AskRetrievalDeps,
} from "./retrieval.ts";
import { checkRouteAllowed, chooseRoute, cloudDestination, type AskRoute } from "./routing.ts";
import { streamAnswer } from "./send.ts";
import {
  readCloudConsent,
  type CloudConsent,
  mayPass,
  type Destination,
  type Egress,
  type EgressGate,
} from "../privacy/index.ts";
import { BrainError, type ChatModel, type Clock } from "../base/index.ts";

/**
 * `ask`: a question answered by a chat model from the person's own memories, streamed, with
 * numbered citations. Retrieval decides whether there is anything to answer from (below the
 * relevance floor no model is called); routing keeps it local unless the person allowed a cloud
 * provider and the question needs it; private entries never go to a cloud model; every cloud call
 * is in the ledger before it is made.
 */

/** The whole answer when nothing stored is relevant enough. */
export const ABSTAIN_ANSWER = "I don't have anything about that in your memory.";

export interface AskDeps extends AskRetrievalDeps {
  clock: Clock;
  /** The local chat model (Ollama). Also scores candidates for `rerank`. */
  localChat: ChatModel;
  /** The consented cloud model; only called after consent and only when routing picks the cloud. */
  cloudChat: (consent: CloudConsent) => Promise<ChatModel>;
  /** The privacy gate every model request passes. */
  gate: EgressGate;
  /** Where the local chat model is: `local`, or `remote` for an allowed Ollama on another machine. */
  localDestination: Destination;
}

export interface AskOptions {
  route?: AskRoute;
  /** Let the local model reorder the candidates before packing (slow: one extra model call). */
  rerank?: boolean;
  signal?: AbortSignal;
  /** Called with every token of the answer as it arrives. */
  onToken?: (token: string) => void;
  /** Called with each notice as it arises (they are all in the answer's `notices` too). */
  onNotice?: (notice: string) => void;
  /** Called once the model and the memories are chosen, just before the request is sent. */
  onStart?: (start: { route: "local" | "cloud"; model: string; sources: Citation[] }) => void;
  /**
   * Who receives the answer when it is not the person (an MCP client): the model then sees only
   * the memories this egress lets through, since its answer carries their content.
   */
  audience?: Egress;
}

export interface AskAnswer {
  answer: string;
  /** True when nothing relevant was found and no model was asked. */
  abstained: boolean;
  /** The memories the answer cites, by number. */
  citations: Citation[];
  /** Every memory given to the model, cited or not. */
  sources: Citation[];
  route: "local" | "cloud" | "none";
  model: string | null;
  /** The retrieval relevance the floor was compared with. */
  relevance: number;
  notices: string[];
}

/**
 * Answers `question` from the memories. Throws `cloud_not_allowed` for `route: "cloud"` without
 * consent, `cancelled` when the signal aborts, and the chat model's errors (with what was
 * streamed so far already passed to `onToken`).
 *
 * @example
 * const result = await askQuestion(deps, "what did we decide about billing?", { onToken: (t) => process.stdout.write(t) });
 * result.citations // [{ n: 1, id: 42, text: "Billing: we moved to Stripe #decision" }]
 */
export async function askQuestion(
  deps: AskDeps,
  question: string,
  options: AskOptions = {},
): Promise<AskAnswer> {
  const { q, requested, consent, notices, note } = beginQuestion(deps, question, options);
  const { candidates: visible, relevance } = await retrieveVisible(deps, q, options.audience, note);
  if (relevance < ASK_RELEVANCE_FLOOR) return abstain(relevance, notices);
  const today = deps.clock.now().toISOString().slice(0, 10);
  const turn: Turn = { question: q, requested, consent, today, note, signal: options.signal };
  const plan = await planAnswer(deps, turn, visible, options.rerank === true);
  // The answer carries what the model read: those memories go to the audience too.
  options.audience?.pass(plan.memories.map((m) => m.entry));
  const messages = buildAskMessages(q, plan.memories, today);
  const sources = plan.memories.map(toCitation);
  options.onStart?.({ route: plan.model.route, model: plan.model.model, sources });
  const answer = await streamAnswer(plan.model, messages, plan, options);
  const { cited, unknown } = parseCitations(answer, plan.memories);
  if (unknown.length) note(`The answer cites [${unknown.join("], [")}], which name no memory it was given.`);
  const { route, model } = plan.model;
  return {
    answer,
    abstained: false,
    citations: cited,
    sources,
    route,
    model,
    relevance,
    notices,
  };
}

/**
 * The memories the answer may come from and how relevant they are: retrieval, screened for the
 * audience when there is one (its relevance is then measured on what it may see).
 */
export async function retrieveVisible(
  deps: AskRetrievalDeps,
  question: string,
  audience: Egress | undefined,
  note: (notice: string) => void,
): Promise<{ candidates: AskCandidate[]; relevance: number }> {
  const found = await retrieveForAsk(deps, question);
  found.notices.forEach(note);
  if (!audience) return { candidates: found.candidates, relevance: found.relevance };
  const candidates = audience.screen(found.candidates);
  return { candidates, relevance: relevanceOf(candidates) };
}

/** One question on its way: what the person asked for and what is known so far. */
interface Turn {
  question: string;
  requested: AskRoute;
  consent: CloudConsent | null;
  /** YYYY-MM-DD, for the prompt. */
  today: string;
  note: (notice: string) => void;
  signal?: AbortSignal;
}

/** The question trimmed; `bad_input` when it is empty. */
export function checkedQuestion(question: string): string {
  const q = question.trim();
  if (q !== "") return q;
  throw new BrainError("bad_input", "The question is empty.", {
    hint: 'For example: brain ask "what did we decide about billing?"',
  });
}

/** What a question is sent with: the model, the memories packed for it, and its egress. */
interface Plan {
  model: ChatModel;
  memories: ContextMemory[];
  egress: Egress;
}

/**
 * Reranks when asked, picks the route, then the model and the memories it gets. Whether the
 * memories fit the local window is measured on what the cloud route would send (never #private),
 * so a private memory never sends a question to the cloud.
 */
async function planAnswer(deps: AskDeps, turn: Turn, found: AskCandidate[], reorder: boolean): Promise<Plan> {
  let candidates = found;
  if (reorder && deps.localDestination.class !== "local") {
    turn.note("Reranking was skipped: the chat model is not on this machine.");
  } else if (reorder) {
    const reranked = await rerank(deps.localChat, turn.question, candidates, turn.signal);
    candidates = reranked.candidates;
    if (reranked.notice) turn.note(reranked.notice);
  }
  const localBudget = memoryBudget(deps.localChat.contextTokens, turn.question, turn.today);
  const cloud = turn.consent ? cloudDestination(turn.consent) : null;
  const shareable = cloud ? candidates.filter((c) => mayPass(cloud, c)) : [];
  const choice = chooseRoute({
    requested: turn.requested,
    consent: turn.consent,
    fitsLocal: shareable.length === 0 || fitsWhole(shareable, localBudget),
    localWindow: deps.localChat.contextTokens,
  });
  if (choice.reason) turn.note(choice.reason);
  return planContext(deps, choice.route, turn, candidates);
}

/**
 * How ask and the agent loop start: the question checked, the route allowed under the stored
 * consent (throws `cloud_not_allowed`), and notices both kept and passed on as they come.
 */
export function beginQuestion(
  deps: Pick<AskDeps, "db">,
  question: string,
  options: Pick<AskOptions, "route" | "onNotice">,
) {
  const q = checkedQuestion(question);
  const requested = options.route ?? "auto";
  const consent = readCloudConsent(deps.db);
  checkRouteAllowed(requested, consent);
  const notices: string[] = [];
  const note = (notice: string) => {
    notices.push(notice);
    options.onNotice?.(notice);
  };
  return { q, requested, consent, notices, note };
}

/** The answer when nothing in memory is relevant enough: no model is asked. */
export function abstain(relevance: number, notices: string[]): AskAnswer {
  return {
    answer: ABSTAIN_ANSWER,
    abstained: true,
    citations: [],
    sources: [],
    route: "none",
    model: null,
    relevance,
    notices,
  };
}

/** What a numbered memory given to the model is cited as. */
export function toCitation(memory: ContextMemory): Citation {
  return { n: memory.n, id: memory.entry.id, text: memory.text };
}

/**
 * The model and the memories it gets, through the gate of the model's destination: for the cloud
 * (or an Ollama on another machine) private entries are held back before packing; when nothing
 * else is left for the cloud, the question stays local.
 */
async function planContext(
  deps: AskDeps,
  route: "local" | "cloud",
  turn: Turn,
  candidates: AskCandidate[],
): Promise<Plan> {
  const { consent, note } = turn;
  const open = (destination: Destination) => deps.gate.open(destination, turn.question);
  let model = deps.localChat;
  let egress = open(deps.localDestination);
  let pool = egress.screen(candidates);
  if (route === "cloud" && consent) {
    const cloud = open(cloudDestination(consent));
    const shareable = cloud.screen(candidates);
    if (shareable.length === 0) {
      note("Only private memories match, and private memories never go to a cloud model: answered locally.");
    } else {
      model = await deps.cloudChat(consent);
      [egress, pool] = [cloud, shareable];
    }
  }
  const held = egress.withheld;
  if (held > 0 && pool.length > 0) {
    note(
      `${held} private ${held === 1 ? "memory was" : "memories were"} kept off ${model.route === "cloud" ? "the cloud" : egress.destination.name}.`,
    );
  }
  const packed = packContext(pool, memoryBudget(model.contextTokens, turn.question, turn.today));
  const cut = packed.memories.filter((m) => m.truncated).length;
  if (packed.left.length || cut) {
    note(
      `Only ${packed.memories.length} of ${pool.length} memories fit ${model.model}'s window${cut ? " (the last one shortened)" : ""}.`,
    );
  }
  return { model, memories: packed.memories, egress };
}
