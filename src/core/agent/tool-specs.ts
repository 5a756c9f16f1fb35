import { z } from "zod";
import { SEARCH_MODES } from "../search/index.ts";
import { KINDS } from "../store/index.ts";

/**
 * The read-only memory tools as a model sees them: `search`, `get`, `related`, `recent`, with their
 * argument schemas. The MCP server registers these same definitions (src/mcp) and the agent loop
 * offers them to a chat model, so both check the same arguments with the same messages. Each
 * message completes "`name` ..." in an input error.
 */

/** An entry id. */
export const entryId = z
  .int({ error: "must be an entry id, a whole number such as 42" })
  .min(1, { error: "must be an entry id, a whole number such as 42" })
  .describe("The entry's id, the number in [brackets] in every result.");

/** One of the kinds of memory. */
export const kind = z.enum(KINDS, { error: `must be one of ${KINDS.join(", ")}` });

/** A tag, with or without '#'. */
export const tag = z
  .string({ error: "must be a tag such as billing" })
  .min(1, { error: "must be a tag such as billing" })
  .max(64, { error: "must be a tag of at most 64 characters" });

/** How many results, 1 to `max`. */
export function limit(max: number, fallback: number) {
  const message = `must be a whole number from 1 to ${max}`;
  return z
    .int({ error: message })
    .min(1, { error: message })
    .max(max, { error: message })
    .describe(`How many results, ${fallback} when not given.`);
}

/** A time filter. */
export const time = z
  .string({ error: "must be an ISO 8601 time such as 2026-03-01" })
  .max(64, { error: "must be an ISO 8601 time such as 2026-03-01" });

/** What every read-only memory tool is, wherever it is offered. */
export interface MemoryToolSpec<Shape extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: Shape;
  /** The next step after a wrong call, e.g. `Call it like {"id": 42}.` */
  usage: string;
}

function spec<Shape extends z.ZodRawShape>(tool: MemoryToolSpec<Shape>): MemoryToolSpec<Shape> {
  return tool;
}

export const SEARCH_TOOL = spec({
  name: "search",
  title: "Search memory",
  description:
    "Search the person's memories by keyword and meaning (hybrid by default). Returns one line per memory: " +
    "[id] (kind, date, #tags) text. Use `get` with an id for the whole text, `related` for linked memories.",
  input: {
    query: z
      .string({ error: "must be the words to search for, a string" })
      .max(2000, { error: "must be at most 2,000 characters" })
      .describe("Words or a question to search for."),
    mode: z.enum(SEARCH_MODES, { error: `must be one of ${SEARCH_MODES.join(", ")}` }).optional(),
    kind: kind.optional(),
    tag: tag.optional().describe("Only memories with this tag."),
    since: time.optional().describe("Only memories created at or after this time."),
    until: time.optional().describe("Only memories created before this time."),
    limit: limit(50, 10).optional(),
  },
  usage: 'Call it like {"query": "billing database", "limit": 5}.',
});

export const GET_TOOL = spec({
  name: "get",
  title: "Get a memory",
  description: "The whole memory with this id, with where it came from and its earlier values.",
  input: { id: entryId },
  usage: 'Call it like {"id": 42}; ids are the numbers in [brackets] that search and recent return.',
});

export const RECENT_TOOL = spec({
  name: "recent",
  title: "Recent memories",
  description:
    "The most recently created memories, newest first, optionally of one kind or tag, or since a time.",
  input: {
    limit: limit(100, 10).optional(),
    kind: kind.optional(),
    tag: tag.optional(),
    since: time.optional().describe("Only memories created at or after this time."),
  },
  usage: 'Call it like {"limit": 10} or {"kind": "decision"}.',
});

const TARGET_ERROR = "must be an entry id such as 42, or a #tag, @person, [[Title]] or URL";
const DEPTH_ERROR = "must be a whole number from 1 to 4";

export const RELATED_TOOL = spec({
  name: "related",
  title: "Related memories",
  description:
    "Memories and topics linked to an entry id, a #tag, an @person, a [[Title]] or a URL, through tags, " +
    "mentions, links and similar meaning, each with why it is linked.",
  input: {
    target: z
      .union([z.int().min(1), z.string().min(1).max(2000)], { error: TARGET_ERROR })
      .describe("An entry id (42), or '#billing', '@maria', '[[Billing v2]]', or a URL."),
    depth: z
      .int({ error: DEPTH_ERROR })
      .min(1, { error: DEPTH_ERROR })
      .max(4, { error: DEPTH_ERROR })
      .optional()
      .describe(
        "How many steps to follow, 2 when not given (an entry, its tags and people, their other entries).",
      ),
    limit: limit(100, 20).optional(),
  },
  usage: 'Call it like {"target": 42}, {"target": "#billing"} or {"target": "@maria", "depth": 2}.',
});
