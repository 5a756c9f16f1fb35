import { prepareCached, type Db } from "../db/index.ts";
import {
  entryExists,
  entryNotFound,
  keyedEntry,
  normalizeTag,
  privateTagSql,
  type Entry,
  type EntryHook,
  type KeyedEntry,
  type KeyedRow,
} from "../store/index.ts";
import { BrainError, type Clock } from "../base/index.ts";
import { entryTitles, extractLinks, normalizePerson, normalizeTitle, normalizeUrl } from "./extract.ts";

/** Writes to the graph: named nodes, derived edges (at capture and edit), semantic and manual edges. */

export const NODE_TYPES = ["tag", "person", "title", "url"] as const;
export type NodeType = (typeof NODE_TYPES)[number];
export const EDGE_TYPES = ["mention", "reference", "semantic", "manual", "duplicate", "next"] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];

/** A tag, person, title or URL a memory can link to. */
export interface GraphNode {
  id: number;
  type: NodeType;
  name: string;
}

/** Where an edge points: another entry or a named node. */
export type EdgeTarget = { entry: number } | { node: { type: NodeType; name: string } };

/** Semantic edges kept per entry: a handful, so the graph stays readable. */
export const SEMANTIC_MAX = 4;
/**
 * Cosine similarity below which no semantic edge is written. Unrelated short notes sit around
 * 0.3-0.5 with common Ollama embedding models and notes on one subject above 0.6.
 */
export const SEMANTIC_MIN_SIMILARITY = 0.6;

/**
 * How a node is written in text and in output: `#billing`, `@maria`, `[[Billing v2]]`, the URL.
 *
 * @example
 * nodeLabel("person", "maria") // "@maria"
 */
export function nodeLabel(type: NodeType, name: string): string {
  return type === "tag"
    ? `#${name}`
    : type === "person"
      ? `@${name}`
      : type === "title"
        ? `[[${name}]]`
        : name;
}

/** A node's name as stored, or null when nothing usable is left. */
export function normalizeNodeName(type: NodeType, raw: string): string | null {
  if (type === "tag") return normalizeTag(raw);
  if (type === "person") return normalizePerson(raw);
  if (type === "title") return normalizeTitle(raw);
  const url = normalizeUrl(raw);
  return url.length > 0 ? url : null;
}

/**
 * The node of that type and name (titles and people compare without case), or null.
 *
 * @example
 * findNode(db, "tag", "billing")?.id
 */
export function findNode(db: Db, type: NodeType, name: string): GraphNode | null {
  const row = prepareCached<[string, string], GraphNode>(
    db,
    "SELECT id, type, name FROM nodes WHERE type = ? AND name = ?",
  ).get(type, name);
  return row ?? null;
}

/**
 * Which of the nodes `(type, name)` some entry not tagged #private links to or answers to as a
 * title: what the privacy gate lets be shown outside the machine. One query from `nodes`, with the
 * store's `entry_tags` for the #private check.
 */
export function nodesOfPublicEntries(
  db: Db,
  nodes: readonly { type: string; name: string }[],
): { type: string; name: string }[] {
  if (nodes.length === 0) return [];
  return prepareCached<[string], { type: string; name: string }>(
    db,
    `SELECT n.type, n.name FROM nodes n
     JOIN json_each(?) j ON n.type = json_extract(j.value, '$[0]') AND n.name = json_extract(j.value, '$[1]')
     WHERE EXISTS (SELECT 1 FROM edges e WHERE e.to_node = n.id AND NOT EXISTS (
             SELECT 1 FROM entry_tags t WHERE t.entry_id = e.from_entry AND ${privateTagSql("t.tag")}))
        OR EXISTS (SELECT 1 FROM entry_titles et WHERE et.node_id = n.id AND NOT EXISTS (
             SELECT 1 FROM entry_tags t WHERE t.entry_id = et.entry_id AND ${privateTagSql("t.tag")}))`,
  ).all(JSON.stringify(nodes.map((n) => [n.type, n.name])));
}

function ensureNode(db: Db, type: NodeType, name: string): number {
  const found = findNode(db, type, name);
  if (found) return found.id;
  const info = prepareCached(db, "INSERT INTO nodes(type, name) VALUES (?, ?)").run(type, name);
  return Number(info.lastInsertRowid);
}

function insertNodeEdge(db: Db, from: number, node: number, type: EdgeType, weight: number, now: number) {
  return prepareCached(
    db,
    "INSERT OR IGNORE INTO edges(from_entry, to_node, type, weight, created_at) VALUES (?, ?, ?, ?, ?)",
  ).run(from, node, type, weight, now).changes;
}

/** Inserts an entry-to-entry edge when the target exists; an id that names no entry is skipped. */
export function insertEntryEdge(
  db: Db,
  from: number,
  to: number,
  type: EdgeType,
  weight: number,
  now: number,
) {
  return prepareCached(
    db,
    `INSERT OR IGNORE INTO edges(from_entry, to_entry, type, weight, created_at)
     SELECT ?, id, ?, ?, ? FROM entries WHERE id = ? AND id <> ?`,
  ).run(from, type, weight, now, to, from).changes;
}

/**
 * Rebuilds what an entry's text says it links to: its tags, @people and [[titles]] (mention
 * edges), URLs and `entry:ID`s (reference edges), and the titles it answers to. Semantic and
 * manual edges are left alone. Runs inside the entry's write transaction.
 *
 * @example
 * writeDerivedEdges(db, entry, Date.now());
 */
export function writeDerivedEdges(db: Db, entry: Entry, now: number): void {
  prepareCached(db, "DELETE FROM edges WHERE from_entry = ? AND type IN ('mention', 'reference')").run(
    entry.id,
  );
  prepareCached(db, "DELETE FROM entry_titles WHERE entry_id = ?").run(entry.id);
  const links = extractLinks(entry.text);
  const toNodes: [NodeType, string[], EdgeType][] = [
    ["tag", entry.tags, "mention"],
    ["person", links.people, "mention"],
    ["title", links.titles, "mention"],
    ["url", links.urls, "reference"],
  ];
  for (const [nodeType, names, edgeType] of toNodes) {
    for (const name of names) insertNodeEdge(db, entry.id, ensureNode(db, nodeType, name), edgeType, 1, now);
  }
  for (const id of links.entryIds) insertEntryEdge(db, entry.id, id, "reference", 1, now);
  for (const title of entryTitles(entry)) {
    prepareCached(db, "INSERT OR IGNORE INTO entry_titles(node_id, entry_id) VALUES (?, ?)").run(
      ensureNode(db, "title", title),
      entry.id,
    );
  }
}

/**
 * The entry store hook that keeps derived edges in step with the text. Deleting needs nothing:
 * the foreign keys cascade.
 *
 * @example
 * const entries = createEntryStore(db, clock, [createGraphHook(db, clock)]);
 */
export function createGraphHook(db: Db, clock: Clock): EntryHook {
  return { afterWrite: (entry) => writeDerivedEdges(db, entry, clock.now().getTime()) };
}

/**
 * Replaces an entry's semantic edges with its nearest neighbours: those at or above
 * `minSimilarity`, best first, at most `max`, never itself. Called by the embedder inside its
 * write transaction; neighbours that no longer exist are skipped.
 *
 * @example
 * replaceSemanticEdges(db, 7, [{ id: 3, similarity: 0.82 }, { id: 9, similarity: 0.41 }], Date.now());
 * // one edge: 7 -> 3, weight 0.82
 */
export function replaceSemanticEdges(
  db: Db,
  entryId: number,
  neighbours: readonly { id: number; similarity: number }[],
  now: number,
  options: { minSimilarity?: number; max?: number } = {},
): number {
  const min = options.minSimilarity ?? SEMANTIC_MIN_SIMILARITY;
  const keep = [...neighbours]
    .filter((n) => n.id !== entryId && Number.isFinite(n.similarity) && n.similarity >= min)
    .sort((a, b) => b.similarity - a.similarity);
  prepareCached(db, "DELETE FROM edges WHERE from_entry = ? AND type = 'semantic'").run(entryId);
  let written = 0;
  const seen = new Set<number>();
  for (const n of keep) {
    if (written >= (options.max ?? SEMANTIC_MAX) || seen.has(n.id)) continue;
    seen.add(n.id);
    written += insertEntryEdge(db, entryId, n.id, "semantic", Math.round(n.similarity * 1000) / 1000, now);
  }
  return written;
}

/**
 * A link a person made (`brain link FROM TO`): from an entry to another entry or to a node.
 * Returns false when that link was already there.
 *
 * @example
 * addManualEdge(db, 12, { entry: 40 }, Date.now()) // true
 */
export function addManualEdge(db: Db, from: number, target: EdgeTarget, now: number): boolean {
  return db
    .transaction(() => {
      mustExist(db, from);
      if ("entry" in target) {
        mustExist(db, target.entry);
        if (target.entry === from) {
          throw new BrainError("bad_input", "An entry cannot be linked to itself.", {
            hint: "Give two different ids: `brain link FROM TO`.",
          });
        }
        return insertEntryEdge(db, from, target.entry, "manual", 1, now) > 0;
      }
      const name = mustName(target.node.type, target.node.name);
      return insertNodeEdge(db, from, ensureNode(db, target.node.type, name), "manual", 1, now) > 0;
    })
    .immediate();
}

/**
 * Removes a link a person made, in either direction between two entries. Returns false when
 * there was none. Links that come from the text go when the text changes.
 *
 * @example
 * removeManualEdge(db, 12, { entry: 40 }) // true
 */
export function removeManualEdge(db: Db, from: number, target: EdgeTarget): boolean {
  if ("entry" in target) {
    return (
      prepareCached(
        db,
        `DELETE FROM edges WHERE type = 'manual' AND
           ((from_entry = @a AND to_entry = @b) OR (from_entry = @b AND to_entry = @a))`,
      ).run({ a: from, b: target.entry }).changes > 0
    );
  }
  const node = findNode(db, target.node.type, mustName(target.node.type, target.node.name));
  if (!node) return false;
  return (
    prepareCached(db, "DELETE FROM edges WHERE type = 'manual' AND from_entry = ? AND to_node = ?").run(
      from,
      node.id,
    ).changes > 0
  );
}

function mustName(type: NodeType, raw: string): string {
  const name = normalizeNodeName(type, raw);
  if (name !== null) return name;
  throw new BrainError("bad_input", `"${raw}" is not a usable ${type} name.`, {
    hint: "Use letters and digits, e.g. '#billing', @maria or '[[Billing v2]]'.",
  });
}

function mustExist(db: Db, id: number): void {
  if (!entryExists(db, id)) throw entryNotFound(id);
}

/** Keyed entries the embedder found close in meaning to this one (its semantic edges), closest first. */
export function keyedNeighbours(db: Db, entryId: number, limit: number): KeyedEntry[] {
  return prepareCached<[bigint, number], KeyedRow>(
    db,
    `SELECT e.id, e.key, e.text, e.tags FROM edges g JOIN entries e ON e.id = g.to_entry
     WHERE g.from_entry = ? AND g.type = 'semantic' AND e.key IS NOT NULL
     ORDER BY g.weight DESC LIMIT ?`,
  )
    .all(BigInt(entryId), limit)
    .map(keyedEntry);
}
