import { useReducer, useState } from "react";
import type { Brain } from "../core/brain.ts";
import type { Memory } from "./useMemorySearch.ts";
import { useRelated } from "./useRelated.ts";

/**
 * The selected memory (the first one until a person moves) and what is linked to it, loaded again
 * after a change: `changed` searches again and reloads the links.
 *
 * @example
 * const { selected, related, select, changed } = useSelection(brain, memories, search.refresh);
 */
export function useSelection(brain: Brain | null, memories: Memory[], refresh: () => void) {
  const [selectedId, select] = useState<number | null>(null);
  const [graphVersion, graphChanged] = useReducer((n: number) => n + 1, 0);
  const selected = memories.some((m) => m.id === selectedId) ? selectedId : (memories[0]?.id ?? null);
  const related = useRelated(brain, selected, graphVersion);
  const changed = () => {
    refresh();
    graphChanged();
  };
  return { selected, related, select, changed };
}
