import type { Db } from "../db/index.ts";
import { settleWith, type Destination, type EgressGate } from "./egress.ts";
import { privateEntryIds } from "./egress-ledger.ts";
import type { Embedder } from "../base/index.ts";

/**
 * The gate on the embedding road. On this machine (`local`) nothing changes. For an Ollama on
 * another machine the person allowed (`remote`), #private entries are never embedded, and every
 * request (a batch of entries, each entry of a rejected batch sent again alone, a search query) is
 * recorded before it is sent.
 */

/** What `embedPass` asks the gate for each batch and each request (see embedder.ts, embed-batch.ts). */
export interface EmbedEgress {
  /** The ids among `ids` whose text may not be sent to the embedder. */
  withheld(ids: number[]): Set<number>;
  /**
   * Makes one request carrying texts of the entries `ids`, `bytes` of them: its row is written
   * first, then `request` runs, and the row is settled by its outcome.
   */
  record<T>(ids: number[], bytes: number, request: () => Promise<T>): Promise<T>;
}

/** The bytes texts put on the wire (UTF-8): what a ledger row of an embedding request counts. */
export function textBytes(texts: readonly string[]): number {
  return texts.reduce((sum, t) => sum + Buffer.byteLength(t, "utf8"), 0);
}

/**
 * The embed pass's egress for `destination`, or undefined on this machine.
 *
 * @example
 * embedPass(db, path, { embedder, now, egress: embedEgress(db, gate, destination) });
 */
export function embedEgress(db: Db, gate: EgressGate, destination: Destination): EmbedEgress | undefined {
  if (destination.class === "local") return undefined;
  return {
    withheld: (ids) => (destination.includePrivate ? new Set() : privateEntryIds(db, ids)),
    record: (ids, bytes, request) => {
      const egress = gate.open(destination, "embed");
      egress.pass(ids.map((id) => ({ id, tags: [] })));
      egress.send(bytes);
      return settleWith(egress, request());
    },
  };
}

/**
 * An embedder for search queries that records each request to a remote host. `destination` is
 * decided when a query is embedded (it throws `remote_host_not_allowed` without consent, before
 * anything is sent).
 *
 * @example
 * const embedder = queryEmbedder(gate, () => ollamaDestination(db, host), (remote) => ollama(remote));
 */
export function queryEmbedder(
  gate: EgressGate,
  destination: () => Destination,
  make: (remoteAllowed: boolean) => Embedder,
  model: string,
  dimensions?: number,
): Embedder {
  return {
    model,
    dimensions,
    embed: async (texts, options) => {
      const where = destination();
      const inner = make(where.class === "remote");
      if (where.class === "local") return inner.embed(texts, options);
      const egress = gate.open(where, "search query");
      egress.send(textBytes(texts));
      return settleWith(egress, inner.embed(texts, options));
    },
  };
}
