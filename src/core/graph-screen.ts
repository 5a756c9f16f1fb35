import { nothingLinksTo, type BootContext, type RelatedResult } from "./graph/index.ts";
import type { Db } from "./db/index.ts";
import { nodeKey, publicNodeKeys, type Egress } from "./privacy/index.ts";

/**
 * What of the graph and the boot context may go to a destination. Entries go through the egress;
 * a topic (a tag, person or title node) is shown only when some memory that may go links to it,
 * since a title node made from a private note's first line is that note's text.
 */

type NodeRef = { type: string; name: string };

function shownNodes(db: Db, out: Egress, nodes: NodeRef[]): (node: NodeRef) => boolean {
  if (out.allows({ tags: ["private"] })) return () => true;
  const open = publicNodeKeys(db, nodes);
  return (node) => open.has(nodeKey(node));
}

/**
 * The related items that may go: private entries held back (counted), topics only private
 * memories link to left out, and so is every item reached through one of them. A start topic
 * only private memories link to is answered as one nothing links to (`not_found`).
 *
 * @example
 * const shown = screenRelated(db, out, related(db, { entry: 42 }));
 */
export function screenRelated(db: Db, out: Egress, result: RelatedResult): RelatedResult {
  const start = result.start.node;
  const nodes = [...(start ? [start] : []), ...result.items.flatMap((i) => (i.node ? [i.node] : []))];
  const shown = shownNodes(db, out, nodes);
  // A topic only private memories link to is a name from their text: it is not there.
  if (start && !shown(start)) throw nothingLinksTo(start.label);
  const hidden = new Set(nodes.filter((n) => !shown(n)).map((n) => n.label));
  const entries = out.pass(result.items.flatMap((i) => (i.entry ? [i.entry] : [])));
  const kept = new Set(entries.map((e) => e.id));
  const items = result.items.filter((item) => {
    if (item.entry && !kept.has(item.entry.id)) return false;
    if (item.node && hidden.has(item.node.label)) return false;
    return !item.via.some((label) => hidden.has(label)) && ![...hidden].some((l) => item.reason.includes(l));
  });
  return { start: result.start, items };
}

/**
 * The boot context that may go: each list through the egress, topics only when a memory that may
 * go links to them. Counts stay (they carry no text).
 */
export function screenBoot(db: Db, out: Egress, context: BootContext): BootContext {
  const shown = shownNodes(db, out, context.topics);
  return {
    ...context,
    pinned: out.pass(context.pinned),
    facts: out.pass(context.facts),
    decisions: out.pass(context.decisions),
    state: out.pass(context.state),
    topics: context.topics.filter(shown),
  };
}
