// The worker thread of checkOnWorker (check.ts): checks one snapshot and sends one answer (the
// counts or the error).
import { parentPort, workerData } from "node:worker_threads";
import type { CheckAnswer } from "./check.ts";
import { checkStandaloneFile, type NativePaths, type RowCounts } from "./snapshot.ts";
import { BrainError } from "../base/index.ts";

const { file, expected, native } = workerData as { file: string; expected: RowCounts; native?: NativePaths };
let answer: CheckAnswer;
try {
  answer = { counts: checkStandaloneFile(file, expected, native) };
} catch (err) {
  answer =
    err instanceof BrainError
      ? { error: { code: err.code, message: err.message, hint: err.hint } }
      : { error: { code: "internal", message: err instanceof Error ? err.message : String(err) } };
}
parentPort?.postMessage(answer);
