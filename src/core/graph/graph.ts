import type { Db } from "../db/index.ts";
import { clampLimit, entriesById, type Entry } from "../store/index.ts";
import { BrainError } from "../base/index.ts";
import { hopsFromEntry, hopsFromNode, nodeEntryCount, type Vertex } from "./hops.ts";
import { findNode, nodeLabel, normalizeNodeName, type EdgeTarget, type NodeType } from "./store.ts";

export { createGraphHook, replaceSemanticEdges } from "./store.ts";

/** A tag, person, title or URL as shown to a person. */
export interface NodeInfo {
  type: NodeType;
  name: string;
  /** `#billing`, `@maria`, `[[Billing v2]]` or the URL. */
  label: string;
  /** How many entries link to it. */
  entries: number;
}

/** One neighbour: an entry or a node, how far away, and why it is linked. */
export interface RelatedItem {
  depth: number;
  /** Why the last step links it, e.g. "tagged #billing", "similar in meaning (0.83)". */
  reason: string;
  /** The labels of the steps between the start and this item (empty at depth 1). */
  via: string[];
  /** Strength of the path, 0..1: the product of its steps' strengths. */
  score: number;
  entry?: Entry;
  node?: NodeInfo;
}

export interface RelatedResult {
  start: { label: string; entry?: Entry; node?: NodeInfo };
  items: RelatedItem[];
}

export interface RelatedOptions {
  /** How many steps to follow; 1 by default, at most 4. */
  depth?: number;
  /** How many neighbours to return; 50 by default. */
  limit?: number;
  /** How many entries a tag, person or title met on the way leads to at most (newest first); 20 by default. */
  perNode?: number;
}

/**
 * Reads what `brain related` and `brain link` take: an entry id (`42` or `entry:42`), `#tag`,
 * `@person`, `[[Title]]` or a URL.
 *
 * @example
 * parseGraphTarget("[[Billing v2]]") // { node: { type: "title", name: "Billing v2" } }
 */
export function parseGraphTarget(text: string): EdgeTarget {
  const raw = text.trim();
  const id = /^(?:entry:)?(\d+)$/.exec(raw);
  if (id) return { entry: Number(id[1]) };
  const title = /^\[\[(.+)\]\]$/.exec(raw);
  const [type, name]: [NodeType | null, string] = raw.startsWith("#")
    ? ["tag", raw]
    : raw.startsWith("@")
      ? ["person", raw]
      : title
        ? ["title", title[1] ?? ""]
        : /^https?:\/\//i.test(raw)
          ? ["url", raw]
          : [null, raw];
  const normalized = type ? normalizeNodeName(type, name) : null;
  if (!type || normalized === null) {
    throw new BrainError("bad_input", `"${text}" is not an entry id, #tag, @person, [[Title]] or URL.`, {
      hint: "For example `brain related 42`, `brain related '#billing'` or `brain related '[[Billing v2]]'`.",
    });
  }
  return { node: { type, name: normalized } };
}

interface Reached {
  vertex: Vertex;
  depth: number;
  reasons: string[];
  via: string[];
  score: number;
}

/**
 * The neighbours of an entry or node to `depth` steps, nearest and strongest first, each with
 * the reason it is linked and the path that reached it. Links are followed both ways.
 *
 * @example
 * related(db, { entry: 42 }).items[0] // { depth: 1, reason: "tagged #billing", node: { label: "#billing", ... } }
 */
export function related(db: Db, target: EdgeTarget, options: RelatedOptions = {}): RelatedResult {
  const depth = clampLimit(options.depth, 1, 4);
  const limit = clampLimit(options.limit, 50, 1000);
  const perNode = clampLimit(options.perNode, 20, 1000);
  const start = resolveStart(db, target);
  const seen = new Map<string, Reached>([
    [keyOf(start.vertex), { vertex: start.vertex, depth: 0, reasons: [], via: [], score: 1 }],
  ]);
  const items: Reached[] = [];
  let frontier: Reached[] = [seen.get(keyOf(start.vertex))!];
  for (let d = 1; d <= depth && frontier.length > 0; d++) {
    const next = frontier.flatMap((from) => stepFrom(db, from, d, seen, { limit, perNode }));
    items.push(...next);
    frontier = next.sort((a, b) => b.score - a.score).slice(0, limit);
  }
  items.sort((a, b) => a.depth - b.depth || b.score - a.score);
  return { start: start.info, items: hydrate(db, items.slice(0, limit)) };
}

/**
 * The vertices one hop from `from` not reached before (recorded in `seen` at depth `d`); a vertex
 * reached again at the same depth from the same parent gains the second reason.
 */
function stepFrom(
  db: Db,
  from: Reached,
  d: number,
  seen: Map<string, Reached>,
  { limit, perNode }: { limit: number; perNode: number },
): Reached[] {
  const hops =
    from.vertex.kind === "entry"
      ? hopsFromEntry(db, from.vertex.id, perNode)
      : // A tag, person or title asked for by name lists up to `limit` of its entries.
        hopsFromNode(db, from.vertex, from.depth === 0 ? limit : perNode);
  const next: Reached[] = [];
  for (const hop of hops.sort((a, b) => b.strength - a.strength)) {
    const key = keyOf(hop.to);
    const known = seen.get(key);
    if (known) {
      // A second reason at the same depth from the same parent (tagged and similar) is worth showing.
      if (known.depth === d && !known.reasons.includes(hop.reason) && sameVia(known, from))
        known.reasons.push(hop.reason);
      continue;
    }
    const via = from.depth === 0 ? [] : [...from.via, labelOf(from.vertex)];
    const reached = {
      vertex: hop.to,
      depth: d,
      reasons: [hop.reason],
      via,
      score: from.score * hop.strength,
    };
    seen.set(key, reached);
    next.push(reached);
  }
  return next;
}

function sameVia(known: Reached, from: Reached): boolean {
  const via = from.depth === 0 ? [] : [...from.via, labelOf(from.vertex)];
  return via.join("\u0000") === known.via.join("\u0000");
}

function keyOf(v: Vertex): string {
  return v.kind === "entry" ? `e${v.id}` : `n${v.id}`;
}

function labelOf(v: Vertex): string {
  return v.kind === "entry" ? `entry:${v.id}` : nodeLabel(v.type, v.name);
}

/**
 * The answer for a topic no memory links to: also what an audience that may not see private
 * memories gets for a topic only private ones link to (graph-screen.ts), so that it cannot tell
 * the two apart.
 */
export function nothingLinksTo(label: string): BrainError {
  return new BrainError("not_found", `No memory links to ${label} yet.`, {
    hint: "Check the spelling, or see a memory's links with `brain related ID`.",
  });
}

function resolveStart(db: Db, target: EdgeTarget): { vertex: Vertex; info: RelatedResult["start"] } {
  if ("entry" in target) {
    const entry = entriesById(db, [target.entry]).get(target.entry);
    if (!entry) {
      throw new BrainError("not_found", `There is no entry with id ${target.entry}.`, {
        hint: "Find the id with `brain search QUERY` or `brain list`.",
      });
    }
    return { vertex: { kind: "entry", id: entry.id }, info: { label: `entry:${entry.id}`, entry } };
  }
  const { type, name } = target.node;
  const node = findNode(db, type, name);
  const label = nodeLabel(type, name);
  if (!node) throw nothingLinksTo(label);
  const vertex = { kind: "node", id: node.id, type, name: node.name } as const;
  return { vertex, info: { label: nodeLabel(type, node.name), node: nodeInfo(db, vertex) } };
}

function nodeInfo(db: Db, v: Extract<Vertex, { kind: "node" }>): NodeInfo {
  return { type: v.type, name: v.name, label: nodeLabel(v.type, v.name), entries: nodeEntryCount(db, v.id) };
}

function hydrate(db: Db, reached: Reached[]): RelatedItem[] {
  const entries = entriesById(
    db,
    reached.flatMap((r) => (r.vertex.kind === "entry" ? [r.vertex.id] : [])),
  );
  return reached.flatMap((r): RelatedItem[] => {
    const base = {
      depth: r.depth,
      reason: r.reasons.join("; "),
      via: r.via,
      score: Math.round(r.score * 1000) / 1000,
    };
    if (r.vertex.kind === "node") return [{ ...base, node: nodeInfo(db, r.vertex) }];
    const entry = entries.get(r.vertex.id);
    return entry ? [{ ...base, entry }] : [];
  });
}
