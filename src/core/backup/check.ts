/**
 * Where a backup runs the checks of its snapshot. The checks are CPU-bound SQLite work (about 2.4 s
 * for the 217 MB copy of 100k entries) and better-sqlite3 is synchronous, so on the main thread they
 * would hold up everything else. On worker threads they run while the main thread encrypts and writes the same
 * snapshot, which the checks leave byte for byte as it was (checkStandaloneFile). The sealed file
 * gets its final name only once both have finished and the checks passed.
 */
import { Worker } from "node:worker_threads";
import {
  CHECK_PARTS,
  checkStandaloneFile,
  type CheckPart,
  type NativePaths,
  type RowCounts,
} from "./snapshot.ts";
import { BrainError, type BrainErrorCode } from "../base/index.ts";

/** Checks a snapshot prepared by makeStandalone against the counts taken with it. */
export type CheckSnapshot = (file: string, expected: RowCounts, native?: NativePaths) => Promise<RowCounts>;

/**
 * What the worker sends: that SQLite's native module is loaded, then the counts it found or the
 * error that stopped it.
 */
export type CheckAnswer =
  | { loaded: true }
  | { counts: RowCounts }
  | { error: { code: BrainErrorCode | "internal"; message: string; hint?: string } };

/**
 * The checks on the calling thread. For hosts that cannot start a worker from a source file:
 * Raycast runs each command as one bundled script.
 */
export const checkInProcess: CheckSnapshot = async (file, expected, native) =>
  checkStandaloneFile(file, expected, native);

/**
 * The checks on two worker threads (check-worker.ts), one per part (snapshot.ts, CHECK_PARTS),
 * which the caller's event loop keeps running beside: the default for the command line and the
 * jobs. When one part fails, the other is stopped and waited for before the error is thrown, so
 * nothing still reads the snapshot when the caller removes it.
 *
 * @example
 * const counts = await checkOnWorker(snapFile, snap.counts, config.native);
 */
export const checkOnWorker: CheckSnapshot = async (file, expected, native) => {
  const checks = CHECK_PARTS.map((part) => checkPartOnWorker(file, expected, native, part));
  try {
    const [counts] = await Promise.all(checks.map((c) => c.answer));
    return counts!;
  } catch (err) {
    await Promise.all(checks.map((c) => c.stop()));
    throw err;
  }
};

function checkPartOnWorker(
  file: string,
  expected: RowCounts,
  native: NativePaths | undefined,
  part: CheckPart,
): { answer: Promise<RowCounts>; stop: () => Promise<unknown> } {
  const worker = new Worker(new URL("./check-worker.ts", import.meta.url), {
    workerData: { file, expected, native, part },
  });
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  // Terminating a worker while it loads better-sqlite3's native module aborts the whole process
  // (a fatal N-API error): a stop waits until the module is loaded or the worker has exited.
  const loaded = new Promise<void>((resolve) => {
    worker.on("message", (message: CheckAnswer) => "loaded" in message && resolve());
    worker.once("exit", () => resolve());
  });
  const answer = new Promise<RowCounts>((resolve, reject) => {
    let answered = false;
    worker.on("message", (message: CheckAnswer) => {
      if ("loaded" in message || answered) return;
      answered = true;
      if ("counts" in message) resolve(message.counts);
      else if (message.error.code === "internal") reject(new Error(message.error.message));
      else reject(new BrainError(message.error.code, message.error.message, { hint: message.error.hint }));
    });
    worker.once("error", (err) => {
      answered = true;
      reject(err);
    });
    worker.once("exit", (code) => {
      if (!answered) reject(new Error(`The backup's check stopped (exit code ${code}) without an answer.`));
    });
  });
  return { answer, stop: () => loaded.then(() => worker.terminate()).then(() => exited) };
}
