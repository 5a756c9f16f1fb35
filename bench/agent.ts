import { askAgent } from "../src/core/agent/agent.ts";
import type { AgentMemory } from "../src/core/agent/tools.ts";
import { createBrain } from "../src/core/brain.ts";
import { resolveConfig } from "../src/core/base/config.ts";
import type { Embedder, ToolChatModel, ToolMessage, ToolTurn } from "../src/core/base/ports.ts";
import type { Destination } from "../src/core/privacy/egress.ts";
import type { SearchOptions } from "../src/core/search/index.ts";
import { row, type Row } from "./lib.ts";
import { queryWords, type BenchDb } from "./store.ts";
import { clusteredVectors, loadVectors } from "./vector-data.ts";

const MODEL = "bench-1024";

/** The scripted policy: search, then the first hit whole, its neighbours, the newest; then answer. */
const PLAN = ["search", "get", "related", "recent"] as const;

/**
 * The agent loop's time per step (`ask --agent`): from the model's turn coming back to the next
 * request handed to it: checking the call, running the tool (hybrid search, get, related, recent),
 * framing its result, and the gate; and the loop's own part, without the tool's core function
 * (timed around each call). The model is a double that calls the tools in a fixed order and
 * answers at once; the query vector comes from a stub: neither model's time is ours.
 */
export async function benchAgent(db: BenchDb): Promise<Row[]> {
  const handle = db.brain.db;
  if (!handle.prepare("SELECT 1 FROM embedding_models WHERE name = ?").get(MODEL)) loadVectors(db);
  const queryVectors = clusteredVectors(64, 5);
  const embedder: Embedder = {
    model: MODEL,
    dimensions: 1024,
    embed: async (texts) => texts.map((t) => queryVectors[t.length % queryVectors.length]!),
  };
  const policy = scriptedModel();
  const brain = createBrain(resolveConfig({ dbPath: db.dbPath, offsiteDir: null, embedModel: MODEL }, {}), {
    embedderFor: () => embedder,
  });
  // The loop over the Brain's own functions, each call timed: a step minus them is the loop's part.
  const inTools = { ms: 0 };
  const memory = timed(
    {
      search: (query, options) => brain.search(query, options),
      get: (id) => brain.entries.get(id),
      related: (target, options) => brain.related(target, options),
      screenRelated: (out, result) => brain.screen.related(out, result),
      recent: (options) => brain.entries.list(options),
    },
    inTools,
  );
  const local: Destination = { class: "local", road: "local", name: "bench" };
  const deps = {
    db: brain.db,
    clock: brain.clock,
    gate: brain.egress,
    memory,
    search: (query: string, options: SearchOptions) => brain.search(query, options),
    localTools: policy.model,
    cloudTools: () => Promise.reject(new Error("no cloud in the benchmark")),
    localDestination: local,
  };
  policy.inTools = inTools;
  try {
    const words = queryWords(db, 300);
    const questions = Array.from({ length: 100 }, (_, i) => `who noted ${words[2 * i]} ${words[2 * i + 1]}?`);
    for (let i = 0; i < 3; i++) await askAgent(deps, questions[i]!);
    policy.steps.clear();
    policy.loop.length = 0;
    let answered = 0;
    for (const question of questions) if (!(await askAgent(deps, question)).abstained) answered++;
    const size = db.size.toLocaleString("en");
    const all = [...policy.steps.values()].flat();
    const goal = db.size >= 100_000 ? "< 5 ms at 100k" : "";
    return [
      row(
        "agent: the loop's own part of a step (checks, framing, gate)",
        size,
        policy.loop,
        goal,
        "a step without the model and without the tool's core function",
      ),
      row(
        "agent: a whole step without model time (any tool)",
        size,
        all,
        "",
        `${answered} of ${questions.length} questions ran the loop`,
      ),
      ...PLAN.map((tool) =>
        row(`agent: a ${tool} step (the core function included)`, size, policy.steps.get(tool) ?? [], "", ""),
      ),
    ];
  } finally {
    brain.close();
  }
}

/** The memory with the time spent in its functions added to `total.ms`. */
function timed(memory: AgentMemory, total: { ms: number }): AgentMemory {
  const time = <T>(run: () => T): T => {
    const start = performance.now();
    const value = run();
    if (value instanceof Promise) {
      return value.finally(() => (total.ms += performance.now() - start)) as T;
    }
    total.ms += performance.now() - start;
    return value;
  };
  return {
    search: (query, options) => time(() => memory.search(query, options)),
    get: (id) => time(() => memory.get(id)),
    related: (target, options) => time(() => memory.related(target, options)),
    screenRelated: (out, result) => time(() => memory.screenRelated(out, result)),
    recent: (options) => time(() => memory.recent(options)),
  };
}

/** A ToolChatModel that follows {@link PLAN} and times the gap between its turns (ours, not the model's). */
function scriptedModel(): Policy {
  const policy: Policy = { steps: new Map(), loop: [], inTools: { ms: 0 }, model: undefined as never };
  let returned = 0;
  let toolsBefore = 0;
  let pending: string | null = null;
  const turn = async (messages: ToolMessage[]): Promise<ToolTurn> => {
    const now = performance.now();
    if (pending) {
      const step = now - returned;
      policy.steps.set(pending, [...(policy.steps.get(pending) ?? []), step]);
      policy.loop.push(step - (policy.inTools.ms - toolsBefore));
    }
    const done = messages.filter((m) => m.role === "tool").length;
    const next = PLAN[done];
    const reply = next
      ? { content: "", toolCalls: [call(next, messages)] }
      : { content: "ok [1]", toolCalls: [] };
    pending = next ?? null;
    toolsBefore = policy.inTools.ms;
    returned = performance.now();
    return reply;
  };
  policy.model = { route: "local", model: "bench-tools", contextTokens: 32_768, turn };
  return policy;
}

interface Policy {
  model: ToolChatModel;
  /** Each step's time without the model, by tool. */
  steps: Map<string, number[]>;
  /** Each step's time without the model and without the tool's core function. */
  loop: number[];
  inTools: { ms: number };
}

/** The next call, with arguments drawn from the question and the results so far. */
function call(tool: (typeof PLAN)[number], messages: ToolMessage[]) {
  const question = messages.find((m) => m.role === "user")!.content.replace(/^.*My question: /, "");
  const seen = messages
    .map((m) => m.content)
    .join("\n")
    .match(/ id="(\d+)"/);
  const id = seen ? Number(seen[1]) : 1;
  const args = {
    search: { query: question },
    get: { id },
    related: { target: id, depth: 1 },
    recent: { limit: 10 },
  }[tool];
  return { id: `call_${tool}`, name: tool, arguments: args };
}
