import {
  bootContext,
  type BootContext,
  type BootOptions,
  parseGraphTarget,
  related,
  type RelatedOptions,
  type RelatedResult,
  addManualEdge,
  removeManualEdge,
  type EdgeTarget,
  listDuplicates,
  listKeyProposals,
  mergeDuplicate,
  type DuplicatePair,
  type KeyProposal,
} from "./graph/index.ts";
import type { Egress } from "./privacy/index.ts";
import { screenBoot, screenRelated } from "./graph-screen.ts";
import type { Db } from "./db/index.ts";
import type { Entry, EntryStore } from "./store/index.ts";
import type { ImportOptions, ImportReport } from "./import/index.ts";
import type { Clock } from "./base/index.ts";

/** The connected-knowledge part of a Brain: the graph, import and the session boot. */
export interface GraphBrain {
  /** Neighbours of an entry id, `#tag`, `@person`, `[[Title]]` or URL, each with why it is linked. */
  related(target: string | number | EdgeTarget, options?: RelatedOptions): RelatedResult;
  /**
   * Links an entry to another entry or node (`brain link`); with `remove`, removes such a link.
   * Returns whether anything changed.
   */
  link(from: number, to: string | number | EdgeTarget, options?: { remove?: boolean }): boolean;
  /** The context an assistant loads at the start of a session. */
  boot(options?: BootOptions): BootContext;
  /** Imports folders of notes, an Obsidian vault, or .jsonl files (see import.ts). */
  import(paths: readonly string[], options?: ImportOptions): Promise<ImportReport>;
  /** Pairs of memories that say the same, and keyless facts that look like a new value of a keyed one. */
  duplicates(limit?: number): { pairs: DuplicatePair[]; proposals: KeyProposal[] };
  /** Merges entry `other` into `keep` (its text goes to `keep`'s history); returns `keep`. */
  mergeDuplicate(keep: number, other: number): Entry;
  /** What of the graph may go out through `out` (an MCP client): see graph-screen.ts. */
  readonly screen: {
    related(out: Egress, result: RelatedResult): RelatedResult;
    boot(out: Egress, context: BootContext): BootContext;
  };
}

function target(value: string | number | EdgeTarget): EdgeTarget {
  if (typeof value === "number") return { entry: value };
  return typeof value === "string" ? parseGraphTarget(value) : value;
}

/**
 * Builds the graph, import and boot methods over one database and entry store (with the graph
 * hook installed, so imported and edited entries get their edges).
 *
 * @example
 * const brain = { ...graphBrain(db, entries, clock) };
 * brain.related("#billing").items.length
 */
export function graphBrain(db: Db, entries: EntryStore, clock: Clock): GraphBrain {
  return {
    related: (start, options) => related(db, target(start), options),
    link: (from, to, options = {}) =>
      options.remove
        ? removeManualEdge(db, from, target(to))
        : addManualEdge(db, from, target(to), clock.now().getTime()),
    boot: (options) => bootContext(db, clock.now(), options),
    import: async (paths, options) =>
      (await import("./import/import.ts")).importPaths({ db, entries }, paths, options),
    duplicates: (limit = 50) => ({
      pairs: listDuplicates(db, limit),
      proposals: listKeyProposals(db, limit),
    }),
    mergeDuplicate: (keep, other) => mergeDuplicate(db, entries, keep, other, clock.now().getTime()),
    screen: {
      related: (out, result) => screenRelated(db, out, result),
      boot: (out, context) => screenBoot(db, out, context),
    },
  };
}
