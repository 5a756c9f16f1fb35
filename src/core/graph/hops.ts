import { prepareCached, type Db } from "../db/index.ts";
import { nodeLabel, type EdgeType, type NodeType } from "./store.ts";

/** One step of the graph: where it leads, why, and how strongly (0..1). */

export type Vertex =
  | { kind: "entry"; id: number }
  | { kind: "node"; id: number; type: NodeType; name: string };

export interface Hop {
  to: Vertex;
  reason: string;
  strength: number;
  /** The turn before or after in the same conversation (a `next` edge). */
  conversation?: true;
}

/** How much a hop of each kind counts when ranking neighbours; semantic hops count their similarity. */
const STRENGTH = { manual: 1, reference: 0.9, title: 0.9, node: 0.5 } as const;

interface OutRow {
  type: EdgeType;
  weight: number;
  to_entry: number | null;
  node_id: number | null;
  node_type: NodeType | null;
  node_name: string | null;
}

/**
 * The hops from an entry: its edges out (to entries and nodes; a [[title]] goes straight on to the
 * entries with that title), its edges in, and the entries whose [[links]] name one of its titles.
 *
 * @example
 * hopsFromEntry(db, 42, 20) // [{ to: { kind: "node", type: "tag", name: "billing", id: 3 }, reason: "tagged #billing", ... }]
 */
export function hopsFromEntry(db: Db, id: number, perNode: number): Hop[] {
  const hops: Hop[] = [];
  const out = prepareCached<[number], OutRow>(
    db,
    `SELECT ed.type, ed.weight, ed.to_entry, n.id AS node_id, n.type AS node_type, n.name AS node_name
     FROM edges ed LEFT JOIN nodes n ON n.id = ed.to_node WHERE ed.from_entry = ?`,
  ).all(id);
  for (const row of out) {
    if (row.to_entry !== null)
      hops.push(entryHop(row.to_entry, row.type, row.weight, `entry:${row.to_entry}`, "out"));
    else if (row.node_id !== null) hops.push(...nodeHops(db, id, row, perNode));
  }
  const incoming = prepareCached<[number], { type: EdgeType; weight: number; from_entry: number }>(
    db,
    "SELECT type, weight, from_entry FROM edges WHERE to_entry = ?",
  ).all(id);
  for (const row of incoming) hops.push(entryHop(row.from_entry, row.type, row.weight, `entry:${id}`, "in"));
  const linkers = prepareCached<[number, number, number], { from_entry: number; name: string }>(
    db,
    `SELECT ed.from_entry, n.name FROM entry_titles t
       JOIN nodes n ON n.id = t.node_id
       JOIN edges ed ON ed.to_node = t.node_id AND ed.type = 'mention'
     WHERE t.entry_id = ? AND ed.from_entry <> ? LIMIT ?`,
  ).all(id, id, perNode);
  for (const row of linkers) {
    hops.push({
      to: { kind: "entry", id: row.from_entry },
      reason: `links here as [[${row.name}]]`,
      strength: STRENGTH.title,
    });
  }
  return hops;
}

function entryHop(to: number, type: EdgeType, weight: number, ref: string, direction: "in" | "out"): Hop {
  const vertex = { kind: "entry", id: to } as const;
  if (type === "semantic") {
    return { to: vertex, reason: `similar in meaning (${weight.toFixed(2)})`, strength: weight };
  }
  if (type === "manual") return { to: vertex, reason: "linked by you", strength: STRENGTH.manual };
  if (type === "duplicate") {
    return { to: vertex, reason: `says the same (${weight.toFixed(2)})`, strength: weight };
  }
  if (type === "next") {
    const reason =
      direction === "out" ? "next in the same conversation" : "before it in the same conversation";
    return { to: vertex, reason, strength: STRENGTH.reference, conversation: true };
  }
  const reason = direction === "out" ? `refers to ${ref}` : `refers here as ${ref}`;
  return { to: vertex, reason, strength: STRENGTH.reference };
}

/** From an entry to a node it links to; a title with notes of that name leads to those notes. */
function nodeHops(db: Db, from: number, row: OutRow, perNode: number): Hop[] {
  const type = row.node_type!;
  const name = row.node_name!;
  const label = nodeLabel(type, name);
  if (type === "title") {
    const owners = titleOwners(db, row.node_id!, perNode).filter((owner) => owner !== from);
    if (owners.length > 0) {
      return owners.map((owner) => ({
        to: { kind: "entry", id: owner },
        reason: row.type === "manual" ? `linked by you to ${label}` : `links to ${label}`,
        strength: STRENGTH.title,
      }));
    }
  }
  const reason =
    row.type === "manual"
      ? `linked by you to ${label}`
      : type === "tag"
        ? `tagged ${label}`
        : type === "person"
          ? `mentions ${label}`
          : type === "title"
            ? `links to ${label} (no note has that title yet)`
            : `links to ${label}`;
  return [{ to: { kind: "node", id: row.node_id!, type, name }, reason, strength: STRENGTH.node }];
}

function titleOwners(db: Db, nodeId: number, limit: number): number[] {
  return prepareCached<[number, number], { entry_id: number }>(
    db,
    "SELECT entry_id FROM entry_titles WHERE node_id = ? ORDER BY entry_id DESC LIMIT ?",
  )
    .all(nodeId, limit)
    .map((r) => r.entry_id);
}

/**
 * The hops from a node: the newest `perNode` entries that link to it, and for a title the
 * entries with that title.
 *
 * @example
 * hopsFromNode(db, { kind: "node", id: 3, type: "tag", name: "billing" }, 20)
 */
export function hopsFromNode(db: Db, node: Extract<Vertex, { kind: "node" }>, perNode: number): Hop[] {
  const label = nodeLabel(node.type, node.name);
  const hops: Hop[] = [];
  if (node.type === "title") {
    for (const owner of titleOwners(db, node.id, perNode)) {
      hops.push({ to: { kind: "entry", id: owner }, reason: `titled ${label}`, strength: STRENGTH.title });
    }
  }
  const rows = prepareCached<[number, number], { from_entry: number; type: EdgeType }>(
    db,
    "SELECT from_entry, type FROM edges WHERE to_node = ? ORDER BY from_entry DESC LIMIT ?",
  ).all(node.id, perNode);
  const verb =
    node.type === "tag"
      ? "tagged"
      : node.type === "person"
        ? "mentions"
        : node.type === "title"
          ? "links to"
          : "links to";
  for (const row of rows) {
    const reason = row.type === "manual" ? `linked by you to ${label}` : `${verb} ${label}`;
    hops.push({ to: { kind: "entry", id: row.from_entry }, reason, strength: STRENGTH.node });
  }
  return hops;
}

/**
 * How many entries link to a node (a title's own notes included).
 *
 * @example
 * nodeEntryCount(db, 3) // 42
 */
export function nodeEntryCount(db: Db, nodeId: number): number {
  const row = prepareCached<[number, number], { n: number }>(
    db,
    `SELECT (SELECT count(DISTINCT from_entry) FROM edges WHERE to_node = ?)
          + (SELECT count(*) FROM entry_titles WHERE node_id = ?) AS n`,
  ).get(nodeId, nodeId);
  return row?.n ?? 0;
}
