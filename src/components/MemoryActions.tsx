import { Action, ActionPanel, Alert, confirmAlert, Icon, Keyboard, showToast, Toast } from "@raycast/api";
import type { Brain } from "../core/brain.ts";
import { memoryLink } from "../helpers/deeplink.ts";
import { showFailure } from "../helpers/feedback.ts";
import { firstLine, urlsIn } from "../helpers/format.ts";
import type { Memory } from "../hooks/useMemorySearch.ts";
import { LinkMemory } from "./LinkMemory.tsx";
import { CaptureNew, EditMemory } from "./MemoryForms.tsx";

export interface MemoryActionsProps {
  brain: Brain;
  memory: Memory;
  /** What is typed in the search bar: the starting text of a new capture. */
  searchText: string;
  /** After an edit, a link or a capture: search again. */
  onChanged(): void;
  /** After a delete: drop the memory from the list. */
  onDeleted(id: number): void;
  onToggleDetail(): void;
}

/**
 * What a person can do with a memory in the list: copy or paste it, open the address it cites,
 * edit it, link it to another memory or a tag, delete it (after a confirmation), capture a new one.
 *
 * @example
 * <List.Item actions={<MemoryActions brain={brain} memory={m} searchText={q} onChanged={refresh} ... />} />
 */
export function MemoryActions(props: MemoryActionsProps) {
  const { brain, memory } = props;
  return (
    <ActionPanel title={`#${memory.id} ${firstLine(memory.text, 40)}`}>
      <ReuseSection memory={memory} />
      <ChangeSection {...props} />
      <ActionPanel.Section>
        <Action
          title="Delete Memory"
          icon={Icon.Trash}
          style={Action.Style.Destructive}
          shortcut={Keyboard.Shortcut.Common.Remove}
          onAction={() => deleteMemory(brain, memory, props.onDeleted)}
        />
      </ActionPanel.Section>
    </ActionPanel>
  );
}

/** Taking the memory elsewhere: copy or paste its text, open the addresses it cites. */
function ReuseSection({ memory }: { memory: Memory }) {
  const urls = urlsIn(memory);
  return (
    <ActionPanel.Section>
      <Action.CopyToClipboard title="Copy Text" content={memory.text} />
      <Action.Paste title="Paste Text" content={memory.text} />
      {urls.map((url, i) => (
        <Action.OpenInBrowser
          key={url}
          title={urls.length === 1 ? "Open Link" : `Open ${shortUrl(url)}`}
          url={url}
          shortcut={i === 0 ? Keyboard.Shortcut.Common.Open : undefined}
        />
      ))}
    </ActionPanel.Section>
  );
}

/** Changing the brain around the memory (edit, link, capture a new one), the view, and its id. */
function ChangeSection(props: MemoryActionsProps) {
  const { brain, memory } = props;
  return (
    <ActionPanel.Section>
      <Action.Push
        title="Edit Memory"
        icon={Icon.Pencil}
        shortcut={Keyboard.Shortcut.Common.Edit}
        target={<EditMemory brain={brain} entry={memory} onSaved={props.onChanged} />}
      />
      <Action.Push
        title="Link Memory"
        icon={Icon.Link}
        shortcut={{ modifiers: ["cmd"], key: "l" }}
        target={<LinkMemory brain={brain} entry={memory} onLinked={props.onChanged} />}
      />
      <Action.Push
        title="Capture New Thought"
        icon={Icon.Plus}
        shortcut={Keyboard.Shortcut.Common.New}
        target={<CaptureNew brain={brain} text={props.searchText} onSaved={props.onChanged} />}
      />
      <Action
        title="Toggle Details"
        icon={Icon.Sidebar}
        shortcut={{ modifiers: ["cmd", "shift"], key: "d" }}
        onAction={props.onToggleDetail}
      />
      <IdActions id={memory.id} />
    </ActionPanel.Section>
  );
}

/** The memory's id and a deeplink that opens it. */
function IdActions({ id }: { id: number }) {
  return (
    <>
      <Action.CopyToClipboard
        title="Copy ID"
        content={String(id)}
        shortcut={{ modifiers: ["cmd", "opt"], key: "i" }}
      />
      <Action.CopyToClipboard
        title="Copy Deeplink"
        content={memoryLink(id)}
        shortcut={Keyboard.Shortcut.Common.CopyDeeplink}
      />
    </>
  );
}

/** Asks first; deletes only on a yes. */
export async function deleteMemory(
  brain: Brain,
  memory: Memory,
  onDeleted: (id: number) => void,
): Promise<void> {
  const confirmed = await confirmAlert({
    title: `Delete ${memory.kind} #${memory.id}?`,
    message: firstLine(memory.text, 200),
    icon: Icon.Trash,
    primaryAction: { title: "Delete", style: Alert.ActionStyle.Destructive },
  });
  if (!confirmed) return;
  try {
    brain.entries.delete(memory.id);
    onDeleted(memory.id);
    await showToast({ style: Toast.Style.Success, title: `Deleted ${memory.kind} #${memory.id}` });
  } catch (err) {
    await showFailure("Could not delete the memory", err);
  }
}

function shortUrl(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
