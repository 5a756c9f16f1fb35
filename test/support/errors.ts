import { BrainError } from "../../src/core/base/errors.ts";

/** The BrainError a promise rejects with; fails the test when it resolves or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<BrainError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof BrainError) return err;
    throw err;
  }
  throw new Error("expected a BrainError");
}
