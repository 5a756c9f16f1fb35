import { useCallback, useEffect, useRef, useState } from "react";
import type { Brain } from "../core/brain.ts";
import type { Entry, Kind } from "../core/entries.ts";
import type { SearchResult } from "../core/search.ts";
import { showFailure } from "../helpers/feedback.ts";
import { showToast, Toast } from "@raycast/api";

/** An entry as the list shows it: a search result, or a recent entry when nothing is typed. */
export type Memory = Entry & Partial<Pick<SearchResult, "ranks" | "snippet" | "similarity">>;

export interface MemorySearch {
  memories: Memory[];
  /** What a person should know about these results, e.g. that meaning search is unavailable. */
  notices: string[];
  /** The embedding model the meaning list came from. */
  model?: string;
  isLoading: boolean;
  /** The query the memories answer; "" for the recent entries. */
  query: string;
  /** Runs the search again (after an edit or a capture). */
  refresh(): void;
  /** Drops an entry from the list at once (after a delete). */
  remove(id: number): void;
}

const LIMIT = 30;

/**
 * Hybrid search as you type (the last word is a prefix), or the most recent entries for an empty
 * query. A stale answer never replaces a newer one; notices are toasted once each.
 *
 * @example
 * const { memories, notices, isLoading } = useMemorySearch(brain, searchText, kind);
 */
export function useMemorySearch(brain: Brain | null, query: string, kind?: Kind): MemorySearch {
  const [state, setState] = useState<Omit<MemorySearch, "refresh" | "remove">>({
    memories: [],
    notices: [],
    isLoading: brain !== null,
    query: "",
  });
  const [version, setVersion] = useState(0);
  const toasted = useRef(new Set<string>());

  useEffect(() => {
    if (!brain) return;
    let current = true;
    setState((s) => ({ ...s, isLoading: true }));
    runSearch(brain, query, kind)
      .then((found) => {
        if (!current) return;
        setState({ ...found, isLoading: false, query });
        for (const notice of found.notices.filter((n) => !toasted.current.has(n))) {
          toasted.current.add(notice);
          void showToast({
            style: Toast.Style.Failure,
            title: "Meaning search unavailable",
            message: notice,
          });
        }
      })
      .catch((err: unknown) => {
        if (!current) return;
        setState((s) => ({ ...s, isLoading: false }));
        void showFailure("Search failed", err);
      });
    return () => {
      current = false;
    };
  }, [brain, query, kind, version]);

  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const remove = useCallback(
    (id: number) => setState((s) => ({ ...s, memories: s.memories.filter((m) => m.id !== id) })),
    [],
  );
  return { ...state, refresh, remove };
}

async function runSearch(
  brain: Brain,
  query: string,
  kind: Kind | undefined,
): Promise<{ memories: Memory[]; notices: string[]; model?: string }> {
  if (query.trim() === "") return { memories: brain.entries.list({ limit: LIMIT, kind }), notices: [] };
  const response = await brain.search(query, { mode: "hybrid", prefix: true, limit: LIMIT, kind });
  return { memories: response.results, notices: response.notices, model: response.model };
}
