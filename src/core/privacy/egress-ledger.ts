import { prepareCached, type Db } from "../db/index.ts";

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
  if (ids.length === 0) return new Set();
  const rows = prepareCached<[string], { id: number }>(
    db,
    `SELECT DISTINCT t.entry_id AS id FROM entry_tags t
     WHERE t.entry_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))
       AND (t.tag = 'private' OR t.tag LIKE 'private/%')`,
  ).all(JSON.stringify(ids));
  return new Set(rows.map((r) => r.id));
}

/**
 * Which of the graph nodes `(type, name)` some non-private entry links to or answers to as a
 * title: only those may be shown outside the machine (a title node made from a private note's
 * first line is that note's text).
 */
export function publicNodeKeys(db: Db, nodes: readonly { type: string; name: string }[]): Set<string> {
  if (nodes.length === 0) return new Set();
  const rows = prepareCached<[string], { type: string; name: string }>(
    db,
    `SELECT n.type, n.name FROM nodes n
     JOIN json_each(?) j ON n.type = json_extract(j.value, '$[0]') AND n.name = json_extract(j.value, '$[1]')
     WHERE EXISTS (SELECT 1 FROM edges e WHERE e.to_node = n.id AND NOT EXISTS (
             SELECT 1 FROM entry_tags t WHERE t.entry_id = e.from_entry
               AND (t.tag = 'private' OR t.tag LIKE 'private/%')))
        OR EXISTS (SELECT 1 FROM entry_titles et WHERE et.node_id = n.id AND NOT EXISTS (
             SELECT 1 FROM entry_tags t WHERE t.entry_id = et.entry_id
               AND (t.tag = 'private' OR t.tag LIKE 'private/%')))`,
  ).all(JSON.stringify(nodes.map((n) => [n.type, n.name])));
  return new Set(rows.map((r) => nodeKey(r)));
}

export function nodeKey(node: { type: string; name: string }): string {
  return `${node.type}\u0000${node.name.toLowerCase()}`;
}
