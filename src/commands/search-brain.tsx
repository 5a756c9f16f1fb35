import { Action, ActionPanel, Icon, List, type LaunchProps } from "@raycast/api";
import { useState } from "react";
import type { Brain } from "../core/brain.ts";
import { KINDS, type Kind } from "../core/store/index.ts";
import { CaptureNew } from "../components/MemoryForms.tsx";
import { KIND_ICONS } from "../components/kinds.ts";
import { MemoryItem } from "../components/MemoryItem.tsx";
import { describeError } from "../helpers/feedback.ts";
import { KIND_TITLES } from "../helpers/format.ts";
import { useBrain } from "../hooks/useBrain.ts";
import { useMemorySearch, type Memory } from "../hooks/useMemorySearch.ts";
import { useSelection } from "../hooks/useSelection.ts";

/** A citation link opens this command with the cited memory's id. */
export interface SearchLaunchContext {
  entryId?: number;
}

/**
 * Search Brain: results update as you type (hybrid keyword + meaning search, throttled), each with
 * its kind, tags, age and the lists that found it; the detail pane shows the full text and the
 * related memories. Text typed in Raycast's root search (a fallback command) is the first query.
 */
export default function SearchBrain(props: LaunchProps<{ launchContext: SearchLaunchContext }>) {
  const { brain, error } = useBrain();
  const [searchText, setSearchText] = useState(props.fallbackText ?? "");
  const [kind, setKind] = useState<Kind | undefined>();
  const [showingDetail, setShowingDetail] = useState(true);
  const search = useMemorySearch(brain, searchText, kind);
  const cited = citedMemory(brain, props.launchContext?.entryId, searchText);
  const memories = cited ? [cited, ...search.memories.filter((m) => m.id !== cited.id)] : search.memories;
  const selection = useSelection(brain, memories, search.refresh);

  return (
    <List
      isLoading={search.isLoading}
      pagination={search.pagination}
      throttle
      filtering={false}
      isShowingDetail={showingDetail && memories.length > 0}
      searchText={searchText}
      onSearchTextChange={setSearchText}
      onSelectionChange={(id) => selection.select(id ? Number(id) : null)}
      searchBarPlaceholder="Search your memory by words or meaning"
      searchBarAccessory={<KindDropdown onChange={setKind} />}
    >
      {error ? (
        <List.EmptyView
          icon={Icon.ExclamationMark}
          title="Your brain could not be opened"
          description={describeError(error)}
        />
      ) : (
        memories.length === 0 &&
        !search.isLoading && (
          <EmptyState
            brain={brain}
            searchText={searchText}
            notices={search.notices}
            onSaved={search.refresh}
          />
        )
      )}
      <List.Section title={sectionTitle(search.query)} subtitle={sectionSubtitle(memories.length, search)}>
        {brain &&
          memories.map((memory) => (
            <MemoryItem
              key={memory.id}
              brain={brain}
              memory={memory}
              related={memory.id === selection.selected ? selection.related : null}
              showingDetail={showingDetail}
              searchText={searchText}
              onChanged={selection.changed}
              onDeleted={search.remove}
              onToggleDetail={() => setShowingDetail((v) => !v)}
            />
          ))}
      </List.Section>
    </List>
  );
}

function citedMemory(brain: Brain | null, id: number | undefined, searchText: string): Memory | null {
  if (!brain || id === undefined || searchText !== "") return null;
  return brain.entries.find(id);
}

function sectionTitle(query: string): string {
  return query.trim() === "" ? "Recent" : "Results";
}

function sectionSubtitle(
  count: number,
  search: { notices: string[]; model?: string; query: string },
): string {
  if (search.query.trim() === "") return String(count);
  // Meaning search unavailable (Ollama down, no vectors yet) is said here, not in a toast per keystroke.
  if (search.notices.length > 0) return `${count} · keyword only: ${search.notices.join(" ")}`;
  return search.model ? `${count} · keyword + ${search.model}` : String(count);
}

function KindDropdown(props: { onChange(kind: Kind | undefined): void }) {
  return (
    <List.Dropdown
      id="kind"
      tooltip="Kind"
      storeValue
      onChange={(value) => props.onChange(value === "all" ? undefined : (value as Kind))}
    >
      <List.Dropdown.Item value="all" title="All Kinds" />
      {KINDS.map((kind) => (
        <List.Dropdown.Item key={kind} value={kind} title={KIND_TITLES[kind]} icon={KIND_ICONS[kind]} />
      ))}
    </List.Dropdown>
  );
}

/** What to do when there is nothing to show: capture the first thought, or the text typed. */
function EmptyState(props: { brain: Brain | null; searchText: string; notices: string[]; onSaved(): void }) {
  const typed = props.searchText.trim() !== "";
  const actions = props.brain && (
    <ActionPanel>
      <Action.Push
        title={typed ? "Capture as New Thought" : "Capture Thought"}
        icon={Icon.Plus}
        target={<CaptureNew brain={props.brain} text={props.searchText} onSaved={props.onSaved} />}
      />
    </ActionPanel>
  );
  const notice = props.notices.length > 0 ? ` ${props.notices.join(" ")}` : "";
  return typed ? (
    <List.EmptyView
      icon={Icon.MagnifyingGlass}
      title={`Nothing matches "${props.searchText.trim()}"`}
      description={`Try other words, or press ↵ to capture it as a new thought.${notice}`}
      actions={actions}
    />
  ) : (
    <List.EmptyView
      icon={Icon.LightBulb}
      title="Your brain is empty"
      description="Press ↵ to capture your first thought, or use Capture Thought from anywhere."
      actions={actions}
    />
  );
}
