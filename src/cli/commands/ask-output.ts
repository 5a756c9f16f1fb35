import type { AskAnswer } from "../../core/ask/index.ts";

/** What `brain ask` and `brain ask --agent` print alike. */

/** The exit status of a question stopped with Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED = 130;

/**
 * The list after a streamed answer: the cited memories; when the answer cites none, every memory
 * the model was given, under "Sources considered", so a person can still check the answer.
 */
export function sourcesBlock(result: AskAnswer): string {
  const cited = result.citations.length > 0;
  const list = cited ? result.citations : result.sources;
  if (list.length === 0) return "";
  const title = cited ? "Sources:" : "Sources considered (none cited):";
  const lines = list.map((c) => `  [${c.n}] #${c.id}  ${firstLine(c.text)}`);
  return `\n${title}\n${lines.join("\n")}\n`;
}

function firstLine(text: string, width = 90): string {
  const line = (text.split("\n", 1)[0] ?? "").trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
