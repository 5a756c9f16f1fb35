import { z } from "zod";
import type { AskAnswer } from "../core/ask/index.ts";
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

/** Sends MCP progress notifications while tokens arrive, when the client asked for progress. */
function progressReporter(extra: ToolExtra): ((token: string) => void) | undefined {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  let tokens = 0;
  let last = 0;
  return () => {
    tokens += 1;
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    void extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken, progress: tokens, message: `${tokens} tokens of the answer` },
      })
      .catch(() => {});
  };
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
    },
    annotations: { ...READ_ONLY, idempotentHint: false },
    usage: 'Call it like {"question": "what did we decide about billing?"}.',
    run: async (args, extra, out) => {
      const answer = await ctx.brain.ask(args.question, {
        route: args.route ?? "local",
        audience: out,
        signal: extra.signal,
        onToken: progressReporter(extra),
      });
      return reply(out, answerText(answer), {
        answer: answer.answer,
        abstained: answer.abstained,
        citations: answer.citations,
        route: answer.route,
        model: answer.model,
        notices: answer.notices,
      });
    },
  });
}
