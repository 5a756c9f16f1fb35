/**
 * Where a backup runs the checks of its snapshot. The checks are CPU-bound SQLite work (about 2 s
 * for a 540 MB copy) and better-sqlite3 is synchronous, so on the main thread they would hold up
 * everything else. On a worker thread they run while the main thread encrypts and writes the same
 * snapshot, which the checks leave byte for byte as it was (checkStandaloneFile). The sealed file
 * gets its final name only once both have finished and the checks passed.
 */
import { Worker } from "node:worker_threads";
import { checkStandaloneFile, type NativePaths, type RowCounts } from "./snapshot.ts";
import { BrainError, type BrainErrorCode } from "../base/index.ts";

/** Checks a snapshot prepared by makeStandalone against the counts taken with it. */
export type CheckSnapshot = (file: string, expected: RowCounts, native?: NativePaths) => Promise<RowCounts>;

/** What the worker sends back: the counts it found, or the error that stopped it. */
export type CheckAnswer =
  | { counts: RowCounts }
  | { error: { code: BrainErrorCode | "internal"; message: string; hint?: string } };

/**
 * The checks on the calling thread. For hosts that cannot start a worker from a source file:
 * Raycast runs each command as one bundled script.
 */
export const checkInProcess: CheckSnapshot = async (file, expected, native) =>
  checkStandaloneFile(file, expected, native);

/**
 * The checks on a worker thread (backup-check-worker.ts), which the caller's event loop keeps
 * running beside: the default for the command line and the jobs.
 *
 * @example
 * const counts = await checkOnWorker(snapFile, snap.counts, config.native);
 */
export const checkOnWorker: CheckSnapshot = (file, expected, native) =>
  new Promise((resolve, reject) => {
    let answered = false;
    const worker = new Worker(new URL("./check-worker.ts", import.meta.url), {
      workerData: { file, expected, native },
    });
    worker.once("message", (answer: CheckAnswer) => {
      answered = true;
      if ("counts" in answer) resolve(answer.counts);
      else if (answer.error.code === "internal") reject(new Error(answer.error.message));
      else reject(new BrainError(answer.error.code, answer.error.message, { hint: answer.error.hint }));
    });
    worker.once("error", (err) => {
      answered = true;
      reject(err);
    });
    worker.once("exit", (code) => {
      if (!answered) reject(new Error(`The backup's check stopped (exit code ${code}) without an answer.`));
    });
  });
