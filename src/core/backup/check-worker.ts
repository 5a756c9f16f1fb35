// A worker thread of checkOnWorker (check.ts): checks one part of one snapshot and answers once.
import { parentPort, workerData } from "node:worker_threads";
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
  answer = { counts: checkStandaloneFile(file, expected, native, [part]) };
} catch (err) {
  answer =
    err instanceof BrainError
      ? { error: { code: err.code, message: err.message, hint: err.hint } }
      : { error: { code: "internal", message: err instanceof Error ? err.message : String(err) } };
}
parentPort?.postMessage(answer);
