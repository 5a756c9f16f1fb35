import { List } from "@raycast/api";
import type { Brain } from "../core/brain.ts";
import { age, firstLine, foundBy, KIND_TITLES } from "../helpers/format.ts";
import type { Memory } from "../hooks/useMemorySearch.ts";
import { KIND_ICONS } from "./kinds.ts";
import { MemoryActions, type MemoryActionsProps } from "./MemoryActions.tsx";
import { MemoryDetail, type RelatedMemory } from "./MemoryDetail.tsx";

export interface MemoryItemProps extends Omit<MemoryActionsProps, "brain" | "memory"> {
  brain: Brain;
  memory: Memory;
  /** Related memories, for the selected item only (the graph is read for one item at a time). */
  related: RelatedMemory[] | null;
  showingDetail: boolean;
}

/**
 * One memory in Search Brain: its first line, kind, tags, age and the lists that found it, with
 * the detail pane and the actions.
 *
 * @example
 * <MemoryItem brain={brain} memory={m} related={null} showingDetail searchText="" onChanged={refresh} ... />
 */
export function MemoryItem({ memory, related, showingDetail, ...actions }: MemoryItemProps) {
  return (
    <List.Item
      id={String(memory.id)}
      icon={{ ...KIND_ICONS[memory.kind], tooltip: KIND_TITLES[memory.kind] }}
      title={firstLine(memory.text)}
      accessories={accessories(memory, showingDetail)}
      detail={<MemoryDetail memory={memory} related={related} />}
      actions={<MemoryActions memory={memory} {...actions} />}
    />
  );
}

function accessories(memory: Memory, compact: boolean): List.Item.Accessory[] {
  const found = memory.ranks ? foundBy(memory.ranks) : "";
  const list: List.Item.Accessory[] = [];
  if (!compact) list.push({ tag: memory.kind });
  if (memory.tags.length > 0) list.push({ text: memory.tags.map((t) => `#${t}`).join(" "), tooltip: "Tags" });
  if (found) list.push({ text: found, tooltip: "Found by" });
  list.push({ text: age(memory.created_at), tooltip: new Date(memory.created_at).toLocaleString() });
  return list;
}
