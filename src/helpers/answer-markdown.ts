import type { Citation } from "../core/ask/index.ts";
import { firstLine, imagesAsLinks } from "./format.ts";
import { memoryLink } from "./deeplink.ts";

export interface AnswerView {
  question: string;
  answer: string;
  /** Every memory given to the model, by number. */
  sources: Citation[];
  /** The numbers the answer cites (known once it is complete). */
  cited?: number[];
  notices: string[];
  error?: string;
  done: boolean;
  /** With the memory tools: each call, and whether the trace is shown or folded. */
  steps?: { lines: string[]; shown: boolean };
}

/**
 * The Ask Brain view's markdown: the question, the answer with each `[n]` a link that opens the
 * cited memory, every memory the model was given (the cited ones marked), and notices or an error.
 * Images become links (imagesAsLinks): nothing in it is fetched before the person asks.
 *
 * @example
 * answerMarkdown({ question: "billing?", answer: "Stripe [1].", sources: [{ n: 1, id: 42, text: "..." }], notices: [], done: true });
 */
export function answerMarkdown(view: AnswerView): string {
  const byNumber = new Map(view.sources.map((s) => [s.n, s]));
  const linked = view.answer.replace(/\[(\d+)\]/g, (whole, n: string) => {
    const source = byNumber.get(Number(n));
    return source ? `[\\[${n}\\]](${memoryLink(source.id)})` : whole;
  });
  const parts = [`## ${escapeHeading(view.question)}`, "", linked || (view.done ? "" : "_Thinking…_")];
  if (view.error) parts.push("", `> **${view.error}**`);
  if (view.notices.length > 0) parts.push("", ...view.notices.map((n) => `> ${n}`));
  if (view.sources.length > 0) {
    const cited = new Set(view.cited ?? []);
    parts.push("", "---", "", "**Memories given to the model**", "");
    for (const s of view.sources) {
      const mark = cited.has(s.n) ? " **(cited)**" : "";
      parts.push(`${s.n}. [${escapeLink(firstLine(s.text, 90))}](${memoryLink(s.id)})${mark}`);
    }
  }
  if (view.steps) parts.push(...stepsMarkdown(view.steps));
  return imagesAsLinks(parts.join("\n"));
}

/**
 * The trace of the memory tools' calls under the answer, or one line saying it is folded.
 *
 * @example
 * stepsMarkdown({ lines: ["search: billing → 4 results"], shown: true }) // ["", "---", "", "**Steps** (1 tool call)", "", "1. search: billing → 4 results"]
 */
export function stepsMarkdown(steps: { lines: string[]; shown: boolean }): string[] {
  const count = `${steps.lines.length} tool ${steps.lines.length === 1 ? "call" : "calls"}`;
  if (!steps.shown) return ["", "---", "", `**Steps** (${count}, hidden: Show Steps)`];
  return [
    "",
    "---",
    "",
    `**Steps** (${count})`,
    "",
    ...steps.lines.map((l, i) => `${i + 1}. ${escapeMarkdown(l)}`),
  ];
}

/** A line whose markdown characters show as themselves (a step names what the model asked for). */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, "\\$1");
}

function escapeHeading(text: string): string {
  return text.replace(/\n+/g, " ");
}

function escapeLink(text: string): string {
  return text.replace(/([[\]])/g, "\\$1");
}
