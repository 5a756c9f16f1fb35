import { List } from "@raycast/api";
import { foundBy, imagesAsLinks, urlsIn } from "../helpers/format.ts";
import type { Memory } from "../hooks/useMemorySearch.ts";

export interface RelatedMemory {
  id: number;
  text: string;
  /** Why it is related, e.g. "mention", "semantic". */
  why?: string;
}

/**
 * The detail pane of a memory: the matching words (bold) when found by keyword, the full text,
 * the memories related to it, and its metadata.
 *
 * @example
 * <List.Item detail={<MemoryDetail memory={memory} related={related} />} ... />
 */
export function MemoryDetail(props: { memory: Memory; related?: RelatedMemory[] | null }) {
  const { memory } = props;
  return (
    <List.Item.Detail
      markdown={memoryMarkdown(memory, props.related)}
      metadata={<MemoryMetadata memory={memory} />}
    />
  );
}

/** The detail's markdown: highlight, full text, related memories. */
export function memoryMarkdown(memory: Memory, related?: RelatedMemory[] | null): string {
  const parts: string[] = [];
  if (memory.ranks?.keyword !== undefined && memory.snippet?.includes("**"))
    parts.push(`> ${memory.snippet}`, "");
  parts.push(memory.text);
  if (related && related.length > 0) {
    parts.push("", "---", "", "**Related memories**", "");
    for (const r of related) parts.push(`- #${r.id} ${oneLine(r.text)}${r.why ? ` _(${r.why})_` : ""}`);
  }
  return imagesAsLinks(parts.join("\n"));
}

function MemoryMetadata({ memory }: { memory: Memory }) {
  const ranks = memory.ranks ? foundBy(memory.ranks) : "";
  return (
    <List.Item.Detail.Metadata>
      <List.Item.Detail.Metadata.Label title="Kind" text={memory.kind} />
      {memory.tags.length > 0 && (
        <List.Item.Detail.Metadata.TagList title="Tags">
          {memory.tags.map((tag) => (
            <List.Item.Detail.Metadata.TagList.Item key={tag} text={`#${tag}`} />
          ))}
        </List.Item.Detail.Metadata.TagList>
      )}
      {ranks !== "" && <List.Item.Detail.Metadata.Label title="Found by" text={ranks} />}
      {memory.similarity !== undefined && (
        <List.Item.Detail.Metadata.Label title="Similarity" text={memory.similarity.toFixed(2)} />
      )}
      <List.Item.Detail.Metadata.Separator />
      <List.Item.Detail.Metadata.Label title="Created" text={new Date(memory.created_at).toLocaleString()} />
      {memory.updated_at !== memory.created_at && (
        <List.Item.Detail.Metadata.Label
          title="Updated"
          text={new Date(memory.updated_at).toLocaleString()}
        />
      )}
      {memory.source && <List.Item.Detail.Metadata.Label title="Source" text={memory.source} />}
      {urlsIn(memory).map((url) => (
        <List.Item.Detail.Metadata.Link key={url} title="Link" text={url} target={url} />
      ))}
      <List.Item.Detail.Metadata.Label title="ID" text={`#${memory.id}`} />
    </List.Item.Detail.Metadata>
  );
}

function oneLine(text: string, max = 100): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
