import type { CliCommand } from "../command.ts";

const MARK = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;

export const doctor: CliCommand = {
  name: "doctor",
  summary: "Check the database, Ollama and its models, embeddings and the secret store, with fixes",
  usage: "doctor",
  args: { min: 0, max: 0 },
  async run(ctx) {
    const checks = await ctx.brain().doctor();
    ctx.print(checks, () =>
      checks
        .map(
          (c) =>
            `${MARK[c.status]}  ${c.name.padEnd(16)} ${c.detail}${c.fix ? `\n      ${" ".repeat(16)} → ${c.fix}` : ""}`,
        )
        .join("\n"),
    );
    return checks.some((c) => c.status === "fail") ? 1 : 0;
  },
};
