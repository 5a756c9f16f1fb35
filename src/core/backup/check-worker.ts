// A worker thread of checkOnWorker (check.ts): checks one part of one snapshot. It sends two
// messages: `loaded` once SQLite's native module is in, then one answer (the counts or the error).
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { CheckAnswer } from "./check.ts";
import { checkStandaloneFile, type CheckPart, type NativePaths, type RowCounts } from "./snapshot.ts";
import { BrainError } from "../base/index.ts";

const { file, expected, native, part } = workerData as {
  file: string;
  expected: RowCounts;
  native?: NativePaths;
  part: CheckPart;
};
let answer: CheckAnswer;
try {
  // Load SQLite's native module first and say so: until then the worker must not be terminated
  // (check.ts).
  new Database(":memory:", { nativeBinding: native?.betterSqlite3 }).close();
  parentPort?.postMessage({ loaded: true } satisfies CheckAnswer);
  answer = { counts: checkStandaloneFile(file, expected, native, [part]) };
} catch (err) {
  answer =
    err instanceof BrainError
      ? { error: { code: err.code, message: err.message, hint: err.hint } }
      : { error: { code: "internal", message: err instanceof Error ? err.message : String(err) } };
}
parentPort?.postMessage(answer);
