import { useEffect, useState } from "react";
import type { Brain } from "../core/brain.ts";
import { openBrain } from "../helpers/brain.ts";
import { showFailure } from "../helpers/feedback.ts";

/** The command's Brain, or why it could not be opened. */
export interface BrainHandle {
  brain: Brain | null;
  error: unknown;
}

/**
 * Opens the Brain once for the life of a view command and closes it when the command goes away.
 * When the database cannot be opened, `error` says why and a toast carries the fix.
 *
 * @example
 * const { brain, error } = useBrain();
 * if (!brain) return <List><List.EmptyView title="No brain" description={describeError(error)} /></List>;
 */
export function useBrain(): BrainHandle {
  const [handle] = useState<BrainHandle>(() => {
    try {
      return { brain: openBrain(), error: null };
    } catch (error) {
      return { brain: null, error };
    }
  });
  useEffect(() => {
    if (handle.error) void showFailure("Could not open your brain", handle.error);
    return () => handle.brain?.close();
  }, [handle]);
  return handle;
}
