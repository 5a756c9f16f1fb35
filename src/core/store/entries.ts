import { writePromptly, type Db } from "../db/index.ts";
import type { Clock } from "../base/index.ts";
import { captureEntry, type CaptureInput, type CaptureResult } from "./capture.ts";
import { deleteEntry, editEntry, type EditInput } from "./edit.ts";
import { entryHistory, type HistoryItem } from "./history.ts";
import { listEntries, type ListOptions } from "./lists.ts";
import { rowToEntry, type Entry } from "./rows.ts";
import { mustGet, prepareEntryStatements, type EntryHook } from "./statements.ts";

export type { CaptureInput, CaptureResult } from "./capture.ts";
export type { EditInput } from "./edit.ts";
export type { HistoryItem } from "./history.ts";
export type { EntryHook } from "./statements.ts";

export type EntryStore = ReturnType<typeof createEntryStore>;

/**
 * The entries table: capture, get, list, edit, delete, history. Statements are prepared once;
 * every write is one short IMMEDIATE transaction, so concurrent processes queue on the lock
 * instead of failing with SQLITE_BUSY halfway through; a capture, an edit or a delete tries for
 * the lock every millisecond (db/prompt-write.ts).
 *
 * @example
 * const entries = createEntryStore(db, systemClock);
 * const { entry } = entries.capture({ text: "switched the team to pnpm #tooling" });
 */
export function createEntryStore(db: Db, clock: Clock, hooks: EntryHook[] = []) {
  const s = prepareEntryStatements(db, hooks);
  const captureTx = db.transaction((input: CaptureInput) => captureEntry(s, clock, input));
  const captureManyTx = db.transaction((inputs: CaptureInput[]) => inputs.map((input) => captureTx(input)));
  const editTx = db.transaction((id: number, input: EditInput) => editEntry(s, clock, id, input));
  const deleteTx = db.transaction((id: number) => deleteEntry(s, id));
  const orNull = (row: Parameters<typeof rowToEntry>[0] | undefined) => (row ? rowToEntry(row) : null);
  return {
    /** Saves a memory (or updates the keyed one). */
    capture: (input: CaptureInput): CaptureResult => writePromptly(db, captureTx.immediate, input),
    /** Saves many memories in one transaction: what import uses. */
    captureMany: (inputs: CaptureInput[]): CaptureResult[] => captureManyTx.immediate(inputs),
    get: (id: number): Entry => mustGet(s, id),
    find: (id: number): Entry | null => orNull(s.byId(id)),
    getByKey: (key: string): Entry | null => orNull(s.byKey(key)),
    edit: (id: number, input: EditInput): Entry => writePromptly(db, editTx.immediate, id, input),
    delete: (id: number): Entry => writePromptly(db, deleteTx.immediate, id),
    history: (id: number): HistoryItem[] => {
      mustGet(s, id);
      return entryHistory(db, id);
    },
    list: (options: ListOptions = {}): Entry[] => listEntries(db, options),
  };
}
