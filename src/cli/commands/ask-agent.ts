import { describeStep, type AgentAnswer } from "../../core/agent/index.ts";
import type { AskRoute } from "../../core/ask/index.ts";
import { toBrainError } from "../../core/base/index.ts";
import { intFlag, type CliContext } from "../command.ts";
import { INTERRUPTED, sourcesBlock } from "./ask-output.ts";

/**
 * `brain ask --agent`: the model calls the memory tools in a loop. On a terminal each call is a
 * line on stderr as it happens ("search: billing decision → 4 results"), then the answer and its
 * sources; with --json, one JSON object per line: an event per call, then the answer. Ctrl-C
 * stops the loop and exits 130.
 */
export async function runAgent(ctx: CliContext, question: string, route?: AskRoute): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error("Stopped with Ctrl-C."));
  process.once("SIGINT", onSigint);
  const out = ctx.io.stdout;
  const line = (value: unknown) => out.write(`${JSON.stringify(value)}\n`);
  try {
    const result = await ctx.brain().askAgent(question, {
      route,
      maxSteps: intFlag(ctx.flags, "max-steps"),
      signal: controller.signal,
      onNotice: (notice) => ctx.note(notice),
      onStart: (start) => {
        if (start.route === "cloud") ctx.note(cloudNotice(start.model));
      },
      onStep: (step) => (ctx.json ? line({ event: "step", ...step }) : ctx.note(describeStep(step))),
    });
    if (ctx.json) line(jsonAnswer(result));
    else out.write(`${result.answer.trimEnd()}\n${sourcesBlock(result)}`);
    return 0;
  } catch (err) {
    const error = toBrainError(err, "chat_failed");
    if (error.code !== "cancelled") throw error;
    ctx.io.stderr.write("brain: Stopped: the question was cancelled.\n");
    return INTERRUPTED;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

function cloudNotice(model: string): string {
  return `Asking ${model} with the memory tools: each request carries the question and the memories read so far (never #private ones). \`brain ledger\` lists every cloud call.`;
}

/** The last line of --json: the answer, its citations, the sources read, the route and every step. */
function jsonAnswer(result: AgentAnswer): Record<string, unknown> {
  const { answer, citations, sources, route, model, abstained, relevance, notices, steps } = result;
  return {
    event: "answer",
    answer,
    citations,
    route,
    model,
    abstained,
    relevance,
    sources,
    notices,
    steps: steps.length,
  };
}
