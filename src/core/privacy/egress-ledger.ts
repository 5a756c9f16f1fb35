import { prepareCached, type Db } from "../db/index.ts";
import { nodesOfPublicEntries } from "../graph/index.ts";
import { privateTaggedIds, tagsInUse } from "../store/index.ts";
import type { Destination } from "./destination.ts";

/**
 * The ledger's SQL (`egress_ledger`, migration `010_egress_ledger`): one row per egress of memory
 * text towards something that may not be on this machine. `brain ledger` reads it. Only the gate
 * (`egress.ts`) writes it.
 */

export type EgressOutcome = "sent" | "answered" | "failed" | "cancelled";

/** What a row records. `at` is when the bytes were about to leave. */
export interface EgressRow {
  at: Date;
  road: string;
  class: "assistant" | "cloud" | "remote";
  destination: string;
  /** The question, the tool call, "embed": what the egress was for. */
  subject: string;
  entryIds: readonly number[];
  withheld: number;
  bytes: number;
  outcome: EgressOutcome;
  note?: string;
}

export interface LedgerRecord {
  id: number;
  /** ISO time. */
  at: string;
  road: string;
  class: string;
  destination: string;
  subject: string;
  entry_ids: number[];
  withheld: number;
  bytes: number;
  outcome: EgressOutcome;
  note: string | null;
}

type StoredRow = Omit<LedgerRecord, "at" | "entry_ids"> & { at: number; entry_ids: string };

/** Inserts a row and returns its id. Throws what SQLite throws (SQLITE_BUSY included). */
export function insertEgress(db: Db, row: EgressRow): number {
  const result = prepareCached(
    db,
    `INSERT INTO egress_ledger(at, road, class, destination, subject, entry_ids, withheld, bytes, outcome, note)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.at.getTime(),
    row.road,
    row.class,
    row.destination,
    row.subject,
    JSON.stringify(row.entryIds),
    row.withheld,
    row.bytes,
    row.outcome,
    row.note ?? null,
  );
  return Number(result.lastInsertRowid);
}

/**
 * True when the ledger already holds this row (the same time, road, destination, subject, entries
 * and bytes; the outcome may have been settled since): a spooled row is then not written again.
 */
export function isRecorded(db: Db, row: EgressRow): boolean {
  return (
    prepareCached(
      db,
      `SELECT 1 FROM egress_ledger WHERE at = ? AND road = ? AND destination = ? AND subject = ?
         AND entry_ids = ? AND bytes = ? LIMIT 1`,
    ).get(
      row.at.getTime(),
      row.road,
      row.destination,
      row.subject,
      JSON.stringify(row.entryIds),
      row.bytes,
    ) !== undefined
  );
}

/** Sets the outcome of a row written with outcome `sent`. */
export function settleEgress(db: Db, id: number, outcome: EgressOutcome): void {
  prepareCached(db, "UPDATE egress_ledger SET outcome = ? WHERE id = ?").run(outcome, BigInt(id));
}

export interface LedgerQuery {
  /** Only rows at or after this time. */
  since?: Date;
  road?: string;
  limit?: number;
}

/**
 * The recorded egresses, newest first.
 *
 * @example
 * listLedger(db, { since: new Date(Date.now() - 7 * 86_400_000) })[0]?.road // "mcp"
 */
export function listLedger(db: Db, query: LedgerQuery = {}): LedgerRecord[] {
  const rows = prepareCached<[number, string | null, string | null, number], StoredRow>(
    db,
    `SELECT id, at, road, class, destination, subject, entry_ids, withheld, bytes, outcome, note
     FROM egress_ledger WHERE at >= ? AND (? IS NULL OR road = ?)
     ORDER BY at DESC, id DESC LIMIT ?`,
  ).all(query.since?.getTime() ?? 0, query.road ?? null, query.road ?? null, query.limit ?? 100);
  return rows.map((row) => ({
    ...row,
    at: new Date(row.at).toISOString(),
    entry_ids: JSON.parse(row.entry_ids) as number[],
  }));
}

export interface RoadTotal {
  road: string;
  calls: number;
  bytes: number;
  entries: number;
  withheld: number;
}

/** Calls, bytes and entries per road since a time (all of them without one). */
export function ledgerTotals(db: Db, since?: Date): RoadTotal[] {
  return prepareCached<[number], RoadTotal>(
    db,
    `SELECT road, count(*) AS calls, sum(bytes) AS bytes, sum(json_array_length(entry_ids)) AS entries,
            sum(withheld) AS withheld
     FROM egress_ledger WHERE at >= ? GROUP BY road ORDER BY road`,
  ).all(since?.getTime() ?? 0);
}

/**
 * The ids among `ids` of entries tagged #private (or #private/…): what the gate holds back when it
 * has ids but not tags (the embedder's batches).
 */
export function privateEntryIds(db: Db, ids: readonly number[]): Set<number> {
  return privateTaggedIds(db, ids);
}

/**
 * Which of the graph nodes `(type, name)` some non-private entry links to or answers to as a
 * title: only those may be shown outside the machine (a title node made from a private note's
 * first line is that note's text).
 */
export function publicNodeKeys(db: Db, nodes: readonly { type: string; name: string }[]): Set<string> {
  return new Set(nodesOfPublicEntries(db, nodes).map((n) => nodeKey(n)));
}

/**
 * The tags in use that may be named to `destination`, most used first. On this machine, all of
 * them. Anywhere else, only the tags of entries that are not #private, ranked by those entries
 * alone (a rank raised by private notes would hint at them), so never #private or #private/…
 * itself, whatever the destination may otherwise receive: a tag is a label drawn from many entries.
 *
 * @example
 * tagsInUseFor(db, { class: "remote", road: "remote-ollama", name: "gpu-box:11434" }) // ["work", "health"]
 */
export function tagsInUseFor(db: Db, destination: Destination): string[] {
  return tagsInUse(db, { publicOnly: destination.class !== "local" });
}

export function nodeKey(node: { type: string; name: string }): string {
  return `${node.type}\u0000${node.name.toLowerCase()}`;
}
