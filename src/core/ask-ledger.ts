import type { Db } from "./db/open.ts";
import { prepareCached } from "./db/statements.ts";
import type { ChatMessage } from "./ports.ts";

/**
 * The local record of everything sent to a cloud model (`brain ledger`). A row is written before
 * the request goes out and gets its outcome after, so no call can leave the machine unrecorded.
 */

export type LedgerOutcome = "sent" | "answered" | "failed" | "cancelled";

export interface LedgerRecord {
  id: number;
  /** ISO time the request was sent. */
  at: string;
  provider: string;
  model: string;
  /** The question exactly as it was sent. */
  question: string;
  /** The entries whose text was sent, in prompt order. */
  entry_ids: number[];
  /** UTF-8 bytes of the messages sent (system prompt and user message). */
  bytes: number;
  outcome: LedgerOutcome;
}

interface LedgerRow {
  id: number;
  at: number;
  provider: string;
  model: string;
  question: string;
  entry_ids: string;
  bytes: number;
  outcome: LedgerOutcome;
}

/** The bytes a list of chat messages puts on the wire as text (UTF-8). */
export function messageBytes(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + Buffer.byteLength(m.content, "utf8"), 0);
}

/**
 * Records a cloud request about to be sent and returns its row id for {@link settleLedger}.
 *
 * @example
 * const id = recordCloudCall(db, { at: new Date(), provider: "anthropic", model, question, entryIds: [4, 9], bytes: 5120 });
 */
export function recordCloudCall(
  db: Db,
  call: { at: Date; provider: string; model: string; question: string; entryIds: number[]; bytes: number },
): number {
  const result = prepareCached(
    db,
    `INSERT INTO cloud_ledger(at, provider, model, question, entry_ids, bytes) VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(
    call.at.getTime(),
    call.provider,
    call.model,
    call.question,
    JSON.stringify(call.entryIds),
    call.bytes,
  );
  return Number(result.lastInsertRowid);
}

/** Sets the outcome of a recorded call. */
export function settleLedger(db: Db, id: number, outcome: LedgerOutcome): void {
  prepareCached(db, "UPDATE cloud_ledger SET outcome = ? WHERE id = ?").run(outcome, id);
}

/**
 * The recorded cloud calls, newest first.
 *
 * @example
 * listLedger(db, { limit: 20 })[0]?.entry_ids // [4, 9]
 */
export function listLedger(db: Db, options: { limit?: number } = {}): LedgerRecord[] {
  const rows = prepareCached<[number], LedgerRow>(
    db,
    "SELECT id, at, provider, model, question, entry_ids, bytes, outcome FROM cloud_ledger ORDER BY at DESC, id DESC LIMIT ?",
  ).all(options.limit ?? 100);
  return rows.map((row) => ({
    ...row,
    at: new Date(row.at).toISOString(),
    entry_ids: JSON.parse(row.entry_ids) as number[],
  }));
}
