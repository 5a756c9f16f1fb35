import { z } from "zod";
import { describeStep, type AgentStep } from "../core/agent/index.ts";
import type { AskAnswer } from "../core/ask/index.ts";
import type { Egress } from "../core/privacy/index.ts";
import { shorten } from "./format.ts";
import { reply } from "./gate.ts";
import { defineTool, READ_ONLY, type AnyTool, type ToolExtra } from "./tool.ts";
import type { ToolContext } from "./context.ts";

/** Progress is sent at most this often while an answer streams, so a client's timeout restarts. */
const PROGRESS_EVERY_MS = 1000;

/** The answer with its numbered sources, each with its entry id. */
function answerText(answer: AskAnswer): string {
  const lines = [answer.answer.trim()];
  if (answer.citations.length) {
    lines.push("", "Sources:");
    for (const c of answer.citations) lines.push(`[${c.n}] entry ${c.id}: ${shorten(c.text, 200)}`);
  }
  for (const notice of answer.notices) lines.push(`Note: ${notice}`);
  return lines.join("\n");
}

/** Sends one MCP progress notification, when the client asked for progress (else `undefined`). */
function progressSender(extra: ToolExtra): ((progress: number, message: string) => void) | undefined {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  return (progress, message) =>
    void extra
      .sendNotification({ method: "notifications/progress", params: { progressToken, progress, message } })
      .catch(() => {});
}

/** Progress while tokens arrive, at most once a second. */
function progressReporter(extra: ToolExtra): ((token: string) => void) | undefined {
  const send = progressSender(extra);
  if (!send) return undefined;
  let tokens = 0;
  let last = 0;
  return () => {
    tokens += 1;
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    send(tokens, `${tokens} tokens of the answer`);
  };
}

/** Progress per tool call of the agent loop: "search: billing → 4 results". */
function stepReporter(extra: ToolExtra): ((step: AgentStep) => void) | undefined {
  const send = progressSender(extra);
  if (!send) return undefined;
  let calls = 0;
  return (step) => send(++calls, describeStep(step));
}

/** The answer: plain, or from the agent loop (`agent: true`), which sends progress per tool call. */
function answer(
  ctx: ToolContext,
  args: AskArgs,
  extra: ToolExtra,
  out: Egress,
): Promise<AskAnswer & { steps?: AgentStep[] }> {
  const route = args.route ?? "local";
  if (!args.agent) {
    return ctx.brain.ask(args.question, {
      route,
      audience: out,
      signal: extra.signal,
      onToken: progressReporter(extra),
    });
  }
  return ctx.brain.askAgent(args.question, {
    route,
    audience: out,
    signal: extra.signal,
    onStep: stepReporter(extra),
  });
}

/** The answer as fields; with the agent loop, each tool call as one line. */
function answerData(result: AskAnswer & { steps?: AgentStep[] }): Record<string, unknown> {
  const { answer: text, abstained, citations, route, model, notices, steps } = result;
  const data = { answer: text, abstained, citations, route, model, notices };
  return steps ? { ...data, steps: steps.map(describeStep) } : data;
}

interface AskArgs {
  question: string;
  route?: "local" | "cloud";
  agent?: boolean;
}

/**
 * `ask`: a question answered by the chat model from the memories, with numbered citations that
 * name entry ids. Sends progress while the answer streams when the client asks for it.
 */
export function askTool(ctx: ToolContext): AnyTool {
  return defineTool({
    name: "ask",
    title: "Ask memory",
    description:
      "Answer a question from the person's memories with the local model on their machine, citing memories as " +
      "[n] (entry ids listed under Sources). Says so when nothing relevant is stored. With route 'cloud' it asks " +
      "the cloud model the person enabled instead (refused when they have not). Private memories are never used " +
      "for answers given here. Slower than search; prefer search when you can read the memories yourself.",
    input: {
      question: z
        .string({ error: "must be the question, a non-empty string" })
        .min(1, { error: "must be the question, a non-empty string" })
        .max(4000, { error: "must be at most 4,000 characters" }),
      route: z
        .enum(["local", "cloud"], { error: "must be local or cloud" })
        .optional()
        .describe("local (the default): the person's own model; cloud: their enabled cloud model."),
      agent: z
        .boolean({ error: "must be true or false" })
        .optional()
        .describe(
          "true: the model looks the memories up itself with search, get, related and recent, in several steps " +
            "(for questions that need more than one lookup); progress is sent per step.",
        ),
    },
    annotations: { ...READ_ONLY, idempotentHint: false },
    usage: 'Call it like {"question": "what did we decide about billing?"}.',
    run: async (args, extra, out) => {
      const result = await answer(ctx, args, extra, out);
      return reply(out, answerText(result), answerData(result));
    },
  });
}
