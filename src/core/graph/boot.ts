import { prepareCached, type Db } from "../db/index.ts";
import {
  clampLimit,
  countByKind,
  keyedFacts,
  newestOfKind,
  newestUnkeyed,
  pinnedEntries,
  type Entry,
  KINDS,
  type Kind,
} from "../store/index.ts";
import { nodeLabel, type NodeType } from "./store.ts";

/** The context an assistant loads at the start of a session: `brain boot`, the MCP boot resource. */

export interface BootOptions {
  /** How many of each list to include (decisions, state, unkeyed facts); 10 by default. */
  recent?: number;
  /** How many keyed facts and preferences at most; 50 by default. */
  keyed?: number;
  /** How many topics; 12 by default. */
  topics?: number;
}

export interface BootTopic {
  type: NodeType;
  name: string;
  label: string;
  /** Links to it. */
  links: number;
}

export interface BootContext {
  generated_at: string;
  counts: { entries: number; by_kind: Record<Kind, number>; links: number };
  pinned: Entry[];
  /** Keyed facts and preferences (their current values), then the newest unkeyed ones. */
  facts: Entry[];
  decisions: Entry[];
  state: Entry[];
  topics: BootTopic[];
}

/**
 * Reads the boot context: pinned entries, facts and preferences (keyed ones are current values by
 * construction: a new value replaces the old), the newest decisions and `state` entries, the
 * most-linked tags, people and titles, and counts. Every list is an index range, so it stays
 * fast at 100k entries.
 *
 * @example
 * const context = bootContext(db, new Date());
 * console.log(bootMarkdown(context));
 */
export function bootContext(db: Db, now: Date, options: BootOptions = {}): BootContext {
  const recent = clampLimit(options.recent, 10, 200);
  const pinned = pinnedEntries(db, 20);
  const notPinned = (e: Entry) => !e.pinned;
  const keyed = keyedFacts(db, clampLimit(options.keyed, 50, 500));
  const loose = (["fact", "preference"] as const).flatMap((kind) => newestUnkeyed(db, kind, recent));
  loose.sort((a, b) => b.created_at.localeCompare(a.created_at));
  return {
    generated_at: now.toISOString(),
    counts: { ...countByKind(db), links: countEdges(db) },
    pinned,
    facts: [...keyed, ...loose.slice(0, recent)].filter(notPinned),
    decisions: newestOfKind(db, "decision", recent).filter(notPinned),
    state: newestOfKind(db, "state", recent).filter(notPinned),
    topics: topics(db, clampLimit(options.topics, 12, 100)),
  };
}

function countEdges(db: Db): number {
  return prepareCached<[], { n: number }>(db, "SELECT count(*) AS n FROM edges").get()?.n ?? 0;
}

/** Tags, people and titles by how many links point at them (URLs are references, not topics). */
function topics(db: Db, limit: number): BootTopic[] {
  const rows = prepareCached<[number], { type: NodeType; name: string; links: number }>(
    db,
    `SELECT n.type, n.name, t.links FROM (
       SELECT to_node, count(*) AS links FROM edges WHERE to_node IS NOT NULL GROUP BY to_node
     ) t JOIN nodes n ON n.id = t.to_node
     WHERE n.type IN ('tag', 'person', 'title') ORDER BY t.links DESC, n.name LIMIT ?`,
  ).all(limit);
  return rows.map((r) => ({ ...r, label: nodeLabel(r.type, r.name) }));
}

/**
 * The boot context as Markdown, compact enough for the start of a conversation: one line per
 * memory (cut at 300 characters) with its id as `entry:ID`, so the assistant can ask for more.
 *
 * @example
 * bootMarkdown(bootContext(db, new Date())).startsWith("# Memory context") // true
 */
export function bootMarkdown(context: BootContext): string {
  const { counts: c } = context;
  const kinds = KINDS.filter((k) => c.by_kind[k] > 0).map(
    (k) => `${fmt(c.by_kind[k])} ${plural(k, c.by_kind[k])}`,
  );
  const out = [
    "# Memory context",
    "",
    `${fmt(c.entries)} ${c.entries === 1 ? "memory" : "memories"}${kinds.length ? ` (${kinds.join(", ")})` : ""}, ${fmt(c.links)} links. As of ${context.generated_at.slice(0, 10)}.`,
  ];
  const section = (title: string, items: string[]) => {
    if (items.length > 0) out.push("", `## ${title}`, "", ...items);
  };
  section(
    "Pinned",
    context.pinned.map((e) => `- ${oneLine(e.text)} (entry:${e.id})`),
  );
  section(
    "Facts and preferences",
    context.facts.map(
      (e) => `- ${e.key ? `**${e.key}**: ` : ""}${oneLine(e.text)} (${e.kind}, entry:${e.id})`,
    ),
  );
  const dated = (e: Entry) => `- ${e.created_at.slice(0, 10)}: ${oneLine(e.text)} (entry:${e.id})`;
  section("Recent decisions", context.decisions.map(dated));
  section("Current state", context.state.map(dated));
  if (context.topics.length)
    section("Most-linked topics", [context.topics.map((t) => `${t.label} (${t.links})`).join(" · ")]);
  if (c.entries === 0) out.push("", "Nothing is stored yet.");
  return `${out.join("\n")}\n`;
}

function oneLine(text: string, max = 300): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** 12345 -> "12,345". Not toLocaleString: its first call loads number-formatting data (~20 ms a start). */
function fmt(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function plural(kind: Kind, n: number): string {
  if (n === 1) return kind;
  return kind === "state" ? "state entries" : `${kind}s`;
}
