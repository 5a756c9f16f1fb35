import { useCallback, useEffect, useState } from "react";
import type { AskAnswer } from "../core/ask.ts";
import type { Citation } from "../core/ask-prompt.ts";
import type { Brain } from "../core/brain.ts";
import { isBrainError } from "../core/errors.ts";
import { describeError, showFailure } from "../helpers/feedback.ts";

export interface AskState {
  /** The answer so far; grows as tokens arrive. */
  answer: string;
  route?: "local" | "cloud" | "none";
  model?: string | null;
  sources: Citation[];
  /** Set once the answer is complete. */
  result?: AskAnswer;
  notices: string[];
  error?: string;
  isLoading: boolean;
  /** Asks again from the start. */
  retry(): void;
}

/**
 * Asks the question once the Brain is open and streams the answer into state; leaving the view
 * stops the request. Failures become a toast with the fix and an `error` line in the view.
 *
 * @example
 * const { answer, sources, route, model, isLoading } = useAsk(brain, question);
 */
export function useAsk(brain: Brain | null, question: string): AskState {
  const [state, setState] = useState<Omit<AskState, "retry">>(initial);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!brain) return;
    if (question.trim() === "") {
      setState({ ...initial(), isLoading: false });
      return;
    }
    const controller = new AbortController();
    const live = () => !controller.signal.aborted;
    setState(initial());
    brain
      .ask(question, {
        signal: controller.signal,
        onStart: ({ route, model, sources }) => live() && setState((s) => ({ ...s, route, model, sources })),
        onToken: (token) => live() && setState((s) => ({ ...s, answer: s.answer + token })),
        onNotice: (notice) => live() && setState((s) => ({ ...s, notices: [...s.notices, notice] })),
      })
      .then((result) => {
        if (!live()) return;
        setState({
          answer: result.answer,
          route: result.route,
          model: result.model,
          sources: result.sources,
          result,
          notices: result.notices,
          isLoading: false,
        });
      })
      .catch((err: unknown) => {
        if (!live() || isBrainError(err, "cancelled")) return;
        setState((s) => ({ ...s, error: describeError(err), isLoading: false }));
        void showFailure("Could not answer", err);
      });
    return () => controller.abort();
  }, [brain, question, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, retry };
}

function initial(): Omit<AskState, "retry"> {
  return { answer: "", sources: [], notices: [], isLoading: true };
}
