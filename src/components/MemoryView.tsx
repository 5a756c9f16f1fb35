import { Action, ActionPanel, Detail, Keyboard } from "@raycast/api";
import type { Entry } from "../core/store/index.ts";
import { imagesAsLinks, urlsIn } from "../helpers/format.ts";

/**
 * One memory on its own screen: what a citation opens. Shows the full text and its metadata, with
 * copy, paste and the address it cites.
 *
 * @example
 * <Action.Push title="Open [1]" target={<MemoryView entry={entry} />} />
 */
export function MemoryView(props: { entry: Entry }) {
  const { entry } = props;
  const urls = urlsIn(entry);
  return (
    <Detail
      navigationTitle={`${entry.kind} #${entry.id}`}
      markdown={imagesAsLinks(entry.text)}
      metadata={
        <Detail.Metadata>
          <Detail.Metadata.Label title="Kind" text={entry.kind} />
          {entry.tags.length > 0 && (
            <Detail.Metadata.TagList title="Tags">
              {entry.tags.map((tag) => (
                <Detail.Metadata.TagList.Item key={tag} text={`#${tag}`} />
              ))}
            </Detail.Metadata.TagList>
          )}
          <Detail.Metadata.Label title="Created" text={new Date(entry.created_at).toLocaleString()} />
          {entry.source && <Detail.Metadata.Label title="Source" text={entry.source} />}
          {urls.map((url) => (
            <Detail.Metadata.Link key={url} title="Link" text={url} target={url} />
          ))}
          <Detail.Metadata.Label title="ID" text={`#${entry.id}`} />
        </Detail.Metadata>
      }
      actions={
        <ActionPanel>
          <Action.CopyToClipboard title="Copy Text" content={entry.text} />
          <Action.Paste title="Paste Text" content={entry.text} />
          {urls[0] && (
            <Action.OpenInBrowser title="Open Link" url={urls[0]} shortcut={Keyboard.Shortcut.Common.Open} />
          )}
        </ActionPanel>
      }
    />
  );
}
