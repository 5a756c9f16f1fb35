import type { Digest, DigestPoint } from "./digest.ts";
import { withheldNotice } from "../privacy/index.ts";

/**
 * A digest as Markdown: one section per non-empty list, each point followed by its entry ids.
 * `link` turns an id into a link target (Raycast opens the memory); without it ids are `#12`.
 *
 * @example
 * digestMarkdown(digest) // "## Digest: 2026-12-01 to 2026-12-08\n\n14 entries captured…"
 */
export function digestMarkdown(digest: Digest, link?: (id: number) => string): string {
  const head = `## Digest: ${digest.since.slice(0, 10)} to ${digest.until.slice(0, 10)}`;
  if (digest.entries === 0) return `${head}\n\nNothing was captured in this period.`;
  const count = `${digest.entries} ${digest.entries === 1 ? "entry" : "entries"} captured`;
  const given = digest.entries - digest.withheld;
  const partial = digest.summarised < given ? `; the newest ${digest.summarised} summarised` : "";
  const held = digest.withheld > 0 ? ` ${withheldNotice(digest.withheld)}` : "";
  const lines = [head, "", `${count}${partial}. Written by ${digest.model ?? "no model"}.${held}`];
  const sections: [string, DigestPoint[]][] = [
    ["Decisions", digest.decisions],
    ["Open questions", digest.open_questions],
    ["People", digest.people],
    ["Topics", digest.topics],
  ];
  for (const [title, points] of sections) {
    if (points.length === 0) continue;
    lines.push("", `### ${title}`, "");
    for (const point of points) lines.push(`- ${escapeMarkdown(point.text)} ${ids(point.entry_ids, link)}`);
  }
  if (sections.every(([, points]) => points.length === 0))
    lines.push("", "The model found nothing to report.");
  return lines.join("\n");
}

function ids(entryIds: number[], link?: (id: number) => string): string {
  return entryIds.map((id) => (link ? `[#${id}](${link(id)})` : `#${id}`)).join(" ");
}

/** Model text is shown as text: characters that would start Markdown syntax are escaped. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, "\\$1");
}
