import { useCallback, useEffect, useState, type Dispatch, type SetStateAction } from "react";
import { describeStep } from "../core/agent/index.ts";
import type { AskAnswer, Citation } from "../core/ask/index.ts";
import type { Brain } from "../core/brain.ts";
import { isBrainError } from "../core/base/index.ts";
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
  /** With the memory tools: each call as it happened ("search: billing → 4 results"). */
  steps: string[];
  error?: string;
  isLoading: boolean;
  /** Asks again from the start. */
  retry(): void;
}

/**
 * Asks the question once the Brain is open and streams the answer into state, the tokens gathered
 * and shown about every 100 ms (not a render per token); leaving the view stops the request.
 * Failures become a toast with the fix (and Retry) and an `error` line in the view.
 *
 * With `agent`, the model looks the memories up itself with the memory tools: each call is added
 * to `steps` as it happens, and the answer arrives whole.
 *
 * @example
 * const { answer, sources, route, model, isLoading } = useAsk(brain, question);
 */
export function useAsk(brain: Brain | null, question: string, agent = false): AskState {
  const [state, setState] = useState<Omit<AskState, "retry">>(initial);
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    if (!brain) return;
    if (question.trim() === "") {
      setState({ ...initial(), isLoading: false });
      return;
    }
    const controller = new AbortController();
    setState(initial());
    const run = agent ? agentAnswer : streamAnswer;
    run(brain, question, controller.signal, setState, retry);
    return () => controller.abort();
  }, [brain, question, agent, attempt, retry]);

  return { ...state, retry };
}

type AskSetter = Dispatch<SetStateAction<Omit<AskState, "retry">>>;

/**
 * Asks once and streams into state while `signal` is live: tokens batched, then the complete
 * answer; a failure (not a cancel) becomes an `error` line and a toast with Retry.
 */
function streamAnswer(
  brain: Brain,
  question: string,
  signal: AbortSignal,
  setState: AskSetter,
  retry: () => void,
) {
  const live = () => !signal.aborted;
  const tokens = batchTokens((text) => live() && setState((s) => ({ ...s, answer: s.answer + text })));
  signal.addEventListener("abort", tokens.stop);
  brain
    .ask(question, {
      signal,
      onStart: ({ route, model, sources }) => live() && setState((s) => ({ ...s, route, model, sources })),
      onToken: tokens.add,
      onNotice: (notice) => live() && setState((s) => ({ ...s, notices: [...s.notices, notice] })),
    })
    .then((result) => {
      tokens.stop();
      if (live()) setState((s) => answered(result, s.steps));
    })
    .catch((err: unknown) => {
      tokens.flush();
      tokens.stop();
      failed(err, live, setState, retry);
    });
}

/** Asks with the memory tools: each call into `steps` as it happens, then the whole answer. */
function agentAnswer(
  brain: Brain,
  question: string,
  signal: AbortSignal,
  setState: AskSetter,
  retry: () => void,
) {
  const live = () => !signal.aborted;
  brain
    .askAgent(question, {
      signal,
      onStart: ({ route, model }) => live() && setState((s) => ({ ...s, route, model })),
      onStep: (step) => live() && setState((s) => ({ ...s, steps: [...s.steps, describeStep(step)] })),
      onNotice: (notice) => live() && setState((s) => ({ ...s, notices: [...s.notices, notice] })),
    })
    .then((result) => live() && setState((s) => answered(result, s.steps)))
    .catch((err: unknown) => failed(err, live, setState, retry));
}

/** A failure (not a cancel): an `error` line and a toast with Retry. */
function failed(err: unknown, live: () => boolean, setState: AskSetter, retry: () => void) {
  if (!live() || isBrainError(err, "cancelled")) return;
  setState((s) => ({ ...s, error: describeError(err), isLoading: false }));
  void showFailure("Could not answer", err, retry);
}

/** The state of a complete answer. */
function answered(result: AskAnswer, steps: string[]): Omit<AskState, "retry"> {
  const { answer, route, model, sources, notices } = result;
  return { answer, route, model, sources, result, notices, steps, isLoading: false };
}

/** How often streamed text is shown: often enough to read as it comes, few enough renders. */
export const STREAM_BATCH_MS = 100;

/**
 * Gathers streamed tokens and hands them on together every `ms`.
 *
 * @example
 * const tokens = batchTokens((text) => setAnswer((a) => a + text)); tokens.add("Hel"); tokens.stop();
 */
export function batchTokens(
  emit: (text: string) => void,
  ms = STREAM_BATCH_MS,
): { add(token: string): void; flush(): void; stop(): void } {
  let pending = "";
  const flush = () => {
    if (pending === "") return;
    const text = pending;
    pending = "";
    emit(text);
  };
  const timer = setInterval(flush, ms);
  return { add: (token) => void (pending += token), flush, stop: () => clearInterval(timer) };
}

function initial(): Omit<AskState, "retry"> {
  return { answer: "", sources: [], notices: [], steps: [], isLoading: true };
}
