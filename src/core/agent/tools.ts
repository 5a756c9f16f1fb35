import { z } from "zod";
import type { Egress } from "../privacy/index.ts";
import type { RelatedResult } from "../graph/index.ts";
import type { SearchOptions, SearchResponse } from "../search/index.ts";
import type { Entry, ListOptions } from "../store/index.ts";
import { isBrainError, type ToolDefinition } from "../base/index.ts";
import { GET_TOOL, RECENT_TOOL, RELATED_TOOL, SEARCH_TOOL, type MemoryToolSpec } from "./tool-specs.ts";

/**
 * The read-only memory tools as the agent loop runs them: the same definitions and argument checks
 * as the MCP tools, over the same core functions (search, the entry store, the graph). Nothing here
 * writes. What a tool found passes the call's screen (the privacy gate's egress towards the model,
 * and the audience's) before the model sees any of it.
 */

/** What the tools read: the Brain's own functions, lent by the composition root. */
export interface AgentMemory {
  search(query: string, options: SearchOptions): Promise<SearchResponse>;
  /** Throws `not_found` for an id that is not stored. */
  get(id: number): Entry;
  related(target: string | number, options: { depth: number; limit: number }): RelatedResult;
  /** The related items that may go through `out` (private entries and what only they link to left out). */
  screenRelated(out: Egress, result: RelatedResult): RelatedResult;
  recent(options: ListOptions): Entry[];
}

/** What one tool call found, already screened. */
export interface ToolFinding {
  /** Memories, in the tool's order. */
  entries: Entry[];
  /** True for `get`: the whole text; lists show each memory shortened. */
  whole: boolean;
  /** Linked topics (`related`): labels such as "#billing (4 memories)". Memory-derived text. */
  topics: string[];
  /** What the tool says besides (search's notices). */
  notes: string[];
  /** The private memories held back (ids and tags, never text). */
  held: { id: number; tags: readonly string[] }[];
}

type Runner = (memory: AgentMemory, args: never, out: Egress) => Promise<ToolFinding> | ToolFinding;

interface AgentTool {
  spec: MemoryToolSpec<z.ZodRawShape>;
  schema: z.ZodType;
  run: Runner;
}

/** What was found: the entries that pass `out`, and the ones it held back. */
function finding(found: readonly Entry[], out: Egress, more: Partial<ToolFinding> = {}): ToolFinding {
  const held = found.filter((e) => !out.allows(e)).map((e) => ({ id: e.id, tags: e.tags }));
  return { entries: out.pass(found), whole: false, topics: [], notes: [], held, ...more };
}

function tool<Shape extends z.ZodRawShape>(
  spec: MemoryToolSpec<Shape>,
  run: (
    memory: AgentMemory,
    args: z.infer<z.ZodObject<Shape>>,
    out: Egress,
  ) => Promise<ToolFinding> | ToolFinding,
): AgentTool {
  return { spec, schema: z.object(spec.input), run: run as Runner };
}

const TOOLS: AgentTool[] = [
  tool(SEARCH_TOOL, async (memory, args, out) => {
    const response = await memory.search(args.query, args);
    return finding(response.results, out, { notes: response.notices });
  }),
  tool(GET_TOOL, (memory, args, out) => finding([memory.get(args.id)], out, { whole: true })),
  tool(RELATED_TOOL, (memory, args, out) => {
    const found = memory.related(args.target, { depth: args.depth ?? 2, limit: args.limit ?? 20 });
    const start = found.start.entry;
    if (start && !out.allows(start)) return finding([start], out);
    const all = found.items.flatMap((item) => (item.entry ? [item.entry] : []));
    // The screen passes the entries that may go and leaves out what only private memories link to.
    const shown = memory.screenRelated(out, found);
    const topics = shown.items.flatMap((item) =>
      item.node ? [`${item.node.label} (${item.node.entries} memories, ${item.reason})`] : [],
    );
    const entries = shown.items.flatMap((item) => (item.entry ? [item.entry] : []));
    return { ...finding(all, out, { topics }), entries };
  }),
  tool(RECENT_TOOL, (memory, args, out) => finding(memory.recent({ ...args, limit: args.limit ?? 10 }), out)),
];

const BY_NAME = new Map(TOOLS.map((t) => [t.spec.name, t]));

/** The names of the tools the loop offers. */
export const AGENT_TOOL_NAMES = TOOLS.map((t) => t.spec.name);

/** The tools as a model is told about them: name, description, JSON Schema of the arguments. */
export function agentToolDefinitions(): ToolDefinition[] {
  return TOOLS.map(({ spec, schema }) => {
    const { $schema: _schema, ...parameters } = z.toJSONSchema(schema, { io: "input" }) as Record<
      string,
      unknown
    >;
    return { name: spec.name, description: spec.description, parameters };
  });
}

/** A call that cannot run: the sentence the model gets back, ending with the next step. */
export class ToolRefusal extends Error {}

/**
 * Runs one call: an unknown tool or arguments that break its schema are refused with the tool's
 * usage; a BrainError from the core (an id that is not stored) is refused with its message.
 *
 * @example
 * const found = await runAgentTool(memory, "search", { query: "billing" }, out);
 */
export async function runAgentTool(
  memory: AgentMemory,
  name: string,
  args: unknown,
  out: Egress,
): Promise<ToolFinding> {
  const agentTool = BY_NAME.get(name);
  if (!agentTool) {
    throw new ToolRefusal(`There is no tool "${name}". The tools are ${AGENT_TOOL_NAMES.join(", ")}.`);
  }
  const parsed = agentTool.schema.safeParse(args ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (i) => `${i.path.length ? `\`${i.path.join(".")}\` ` : ""}${i.message.replace(/\.$/, "")}`,
    );
    throw new ToolRefusal(`Wrong arguments for ${name}: ${issues.join("; ")}. ${agentTool.spec.usage}`);
  }
  try {
    return await agentTool.run(memory, parsed.data as never, out);
  } catch (err) {
    if (isBrainError(err) && err.code !== "cancelled") {
      throw new ToolRefusal(`${err.message} ${agentTool.spec.usage}`);
    }
    throw err;
  }
}
