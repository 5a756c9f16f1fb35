import { useCallback, useEffect, useRef, useState } from "react";
import type { Brain } from "../core/brain.ts";
import type { Digest } from "../core/enrich/index.ts";
import { showFailure } from "../helpers/feedback.ts";

export interface DigestState {
  digest: Digest | null;
  error: unknown;
  isLoading: boolean;
  /** Writes the digest again (a new model call). */
  refresh: () => void;
}

/**
 * The digest of the last `since` (default `7d`), written once when the command opens and again on
 * `refresh`. Leaving the command cancels the model call; a failure becomes a toast with the fix.
 *
 * @example
 * const { digest, isLoading, refresh } = useDigest(brain, "7d");
 */
export function useDigest(brain: Brain | null, since = "7d"): DigestState {
  const [state, setState] = useState<Omit<DigestState, "refresh">>({
    digest: null,
    error: null,
    isLoading: true,
  });
  const controller = useRef<AbortController | null>(null);
  const run = useCallback(() => {
    if (!brain) return;
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setState((s) => ({ ...s, error: null, isLoading: true }));
    brain.digest({ since, signal: current.signal }).then(
      (digest) => !current.signal.aborted && setState({ digest, error: null, isLoading: false }),
      (error: unknown) => {
        if (current.signal.aborted) return;
        setState({ digest: null, error, isLoading: false });
        void showFailure("Could not write the digest", error);
      },
    );
  }, [brain, since]);
  useEffect(() => {
    run();
    return () => controller.current?.abort();
  }, [run]);
  return { ...state, isLoading: state.isLoading && brain !== null, refresh: run };
}
