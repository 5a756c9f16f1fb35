/**
 * Where a backup runs the check of its snapshot. The check is CPU-bound SQLite work (about 1 s for
 * the 217 MB copy of 100k entries) and better-sqlite3 is synchronous, so on the main thread it
 * would hold up everything else. On a worker thread it runs while the main thread encrypts and
 * writes the same snapshot, which the check leaves byte for byte as it was (checkStandaloneFile).
 * The sealed file gets its final name only once the check has passed.
 */
import { Worker } from "node:worker_threads";
import { checkStandaloneFile, type NativePaths, type RowCounts } from "./snapshot.ts";
import { BrainError, type BrainErrorCode } from "../base/index.ts";

/** Checks a snapshot prepared by makeStandalone against the counts taken with it. */
export type CheckSnapshot = (file: string, expected: RowCounts, native?: NativePaths) => Promise<RowCounts>;

/** What the worker sends: the counts it found or the error that stopped it. */
export type CheckAnswer =
  | { counts: RowCounts }
  | { error: { code: BrainErrorCode | "internal"; message: string; hint?: string } };

/**
 * The check on the calling thread. For hosts that cannot start a worker from a source file:
 * Raycast runs each command as one bundled script.
 */
export const checkInProcess: CheckSnapshot = async (file, expected, native) =>
  checkStandaloneFile(file, expected, native);

/**
 * The check on a worker thread (check-worker.ts), which the caller's event loop keeps running
 * beside: the default for the command line and the jobs. The caller waits for its answer before
 * it removes the snapshot, so nothing still reads the file then (removing it in steps shortens
 * it, and a thread still reading it through a memory map would fault).
 *
 * @example
 * const counts = await checkOnWorker(snapFile, snap.counts, config.native);
 */
export const checkOnWorker: CheckSnapshot = (file, expected, native) =>
  new Promise<RowCounts>((resolve, reject) => {
    const worker = new Worker(new URL("./check-worker.ts", import.meta.url), {
      workerData: { file, expected, native },
    });
    let answered = false;
    worker.once("message", (message: CheckAnswer) => {
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
