import { useMemo } from "react";
import type { Brain } from "../core/brain.ts";
import type { RelatedMemory } from "../components/MemoryDetail.tsx";

/** How many related memories the detail pane lists. */
const SHOWN = 6;

/**
 * The memories linked to entry `id` through the graph (a shared tag, person or title, a link, a
 * similar meaning), up to two steps away, each with why. Null while nothing is selected or when
 * the entry is gone. `version` recomputes after an edit or a new link.
 *
 * @example
 * const related = useRelated(brain, selectedId, version);
 */
export function useRelated(brain: Brain | null, id: number | null, version = 0): RelatedMemory[] | null {
  return useMemo(() => {
    if (!brain || id === null) return null;
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
  }, [brain, id, version]);
}
