import { usePromise } from "@raycast/utils";
import type { Brain } from "../core/brain.ts";
import type { RelatedMemory } from "../components/MemoryDetail.tsx";

/** How many related memories the detail pane lists. */
const SHOWN = 6;

/**
 * The memories linked to entry `id` through the graph (a shared tag, person or title, a link, a
 * similar meaning), up to two steps away, each with why. Loaded after the list has rendered, so
 * moving the selection never waits on the graph. Null while loading, with nothing selected, or
 * when the entry is gone. `version` reloads after an edit or a new link.
 *
 * @example
 * const related = useRelated(brain, selectedId, version);
 */
export function useRelated(brain: Brain | null, id: number | null, version = 0): RelatedMemory[] | null {
  const { data } = usePromise(
    async (entryId: number | null, _version: number) => {
      // A macrotask first: the list with its new selection renders before the graph is walked.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return entryId === null || !brain ? null : relatedTo(brain, entryId);
    },
    [id, version],
    { execute: brain !== null && id !== null, onError: () => {} },
  );
  return id === null ? null : (data ?? null);
}

function relatedTo(brain: Brain, id: number): RelatedMemory[] | null {
  try {
    const { items } = brain.related(id, { depth: 2, limit: 60 });
    return items
      .filter((item) => item.entry && item.entry.id !== id)
      .slice(0, SHOWN)
      .map((item) => ({
        id: item.entry!.id,
        text: item.entry!.text,
        why: item.via.length > 0 ? `${item.reason} via ${item.via.join(" → ")}` : item.reason,
      }));
  } catch {
    return null;
  }
}
