import { ASK_ROUTES, type AskAnswer, type Citation } from "../../core/ask/index.ts";
import { BrainError, toBrainError } from "../../core/base/index.ts";
import { choiceFlag, type CliCommand, type FlagValues } from "../command.ts";
import { INTERRUPTED, sourcesBlock } from "./ask-output.ts";

export const ask: CliCommand = {
  name: "ask",
  summary: "Answer a question from your memories (local model; cloud only if you allowed it)",
  usage: "ask QUESTION [--route auto|local|cloud] [--rerank] [--agent [--max-steps N]]",
  options: {
    route: { type: "string", short: "r" },
    rerank: { type: "boolean" },
    agent: { type: "boolean" },
    "max-steps": { type: "string" },
  },
  args: { min: 1, max: Infinity },
  async run(ctx) {
    const question = ctx.args.join(" ");
    const route = choiceFlag(ctx.flags, "route", ASK_ROUTES);
    if (ctx.flags.agent === true) return (await import("./ask-agent.ts")).runAgent(ctx, question, route);
    checkPlainFlags(ctx.flags);
    const controller = new AbortController();
    const onSigint = () => controller.abort(new Error("Stopped with Ctrl-C."));
    process.once("SIGINT", onSigint);
    const out = ctx.io.stdout;
    let streamed = false;
    try {
      const result = await ctx.brain().ask(question, {
        route,
        rerank: ctx.flags.rerank === true,
        signal: controller.signal,
        onNotice: (notice) => ctx.note(notice),
        onStart: (start) => {
          if (start.route === "cloud") ctx.note(cloudNotice(start.model, start.sources));
        },
        onToken: ctx.json
          ? undefined
          : (token) => {
              streamed = true;
              out.write(token);
            },
      });
      if (ctx.json) ctx.print(jsonAnswer(result), "");
      else out.write(streamed ? `\n${sourcesBlock(result)}` : `${result.answer}\n`);
      return 0;
    } catch (err) {
      const error = toBrainError(err, "chat_failed");
      if (streamed)
        out.write(`\n[answer incomplete: ${error.code === "cancelled" ? "stopped" : error.message}]\n`);
      if (error.code !== "cancelled") throw error;
      ctx.io.stderr.write("brain: Stopped: the question was cancelled.\n");
      return INTERRUPTED;
    } finally {
      process.off("SIGINT", onSigint);
    }
  },
};

/** The flags only `--agent` takes. */
function checkPlainFlags(flags: FlagValues): void {
  if (flags["max-steps"] === undefined) return;
  throw new BrainError("bad_input", "--max-steps goes with --agent.", {
    hint: 'For example: brain ask --agent --max-steps 4 "who was in the meeting where we chose Stripe?"',
  });
}

function cloudNotice(model: string, sources: Citation[]): string {
  const bytes = sources.reduce((sum, s) => sum + Buffer.byteLength(s.text, "utf8"), 0);
  const ids = sources.map((s) => s.id).join(", ");
  return `Sending the question and ${sources.length} memories (${ids}; ${bytes} bytes of text) to ${model}. \`brain ledger\` lists every cloud call.`;
}

/** `--json`: the answer, the cited entries and the route (the sources considered too). */
function jsonAnswer(result: AskAnswer): Record<string, unknown> {
  const { answer, citations, sources, route, model, abstained, relevance, notices } = result;
  return { answer, citations, route, model, abstained, relevance, sources, notices };
}
