import type { List } from "@raycast/api";
import { useCachedPromise } from "@raycast/utils";
import { useCallback, useRef } from "react";
import type { Brain } from "../core/brain.ts";
import type { Entry, Kind } from "../core/store/index.ts";
import type { SearchResult } from "../core/search/index.ts";
import { showFailure } from "../helpers/feedback.ts";

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
  /** More results, page by page, as the list scrolls. */
  pagination: List.Props["pagination"];
  /** Runs the search again (after an edit or a capture). */
  refresh(): void;
  /** Drops an entry from the list at once (after a delete). */
  remove(id: number): void;
}

/** Results per page: the list asks for the next page as it is scrolled to the end. */
export const PAGE_SIZE = 30;

interface Page {
  memories: Memory[];
  notices: string[];
  model?: string;
  query: string;
}

/**
 * Hybrid search as you type (the last word is a prefix), or the most recent entries for an empty
 * query, with `useCachedPromise`: the previous results stay while the next load (keepPreviousData),
 * a newer keystroke aborts the older search down to its Ollama request, and scrolling loads more.
 *
 * @example
 * const { memories, notices, isLoading, pagination } = useMemorySearch(brain, searchText, kind);
 */
export function useMemorySearch(brain: Brain | null, query: string, kind?: Kind): MemorySearch {
  const abortable = useRef<AbortController | null>(null);
  const { data, isLoading, pagination, revalidate, mutate } = useCachedPromise(
    (q: string, k: Kind | undefined) =>
      async ({ page }: { page: number }) => {
        const found = await runSearch(brain!, q, k, (page + 1) * PAGE_SIZE, abortable.current?.signal);
        const start = page * PAGE_SIZE;
        return {
          data: [{ ...found, memories: found.memories.slice(start) }],
          hasMore: found.memories.length === (page + 1) * PAGE_SIZE,
        };
      },
    [query, kind],
    {
      abortable,
      keepPreviousData: true,
      execute: brain !== null,
      onError: (err) => void showFailure("Search failed", err, () => revalidate()),
    },
  );
  const pages: Page[] = data ?? [];
  const remove = useRemove(mutate);
  return {
    memories: pages.flatMap((p) => p.memories),
    notices: pages[0]?.notices ?? [],
    model: pages[0]?.model,
    isLoading: brain !== null && isLoading,
    query: pages[0]?.query ?? "",
    pagination,
    refresh: revalidate,
    remove,
  };
}

/**
 * Drops an entry from the loaded pages at once, without searching again (after a delete).
 *
 * @example
 * const remove = useRemove(mutate); remove(42);
 */
function useRemove(
  mutate: (data: undefined, options: RemoveOptions) => Promise<unknown>,
): (id: number) => void {
  return useCallback(
    (id: number) =>
      void mutate(undefined, {
        optimisticUpdate: (current) =>
          (current ?? []).map((p) => ({ ...p, memories: p.memories.filter((m) => m.id !== id) })),
        shouldRevalidateAfter: false,
      }),
    [mutate],
  );
}

interface RemoveOptions {
  optimisticUpdate(current: Page[] | undefined): Page[];
  shouldRevalidateAfter: boolean;
}

async function runSearch(
  brain: Brain,
  query: string,
  kind: Kind | undefined,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<Page> {
  if (query.trim() === "") return { memories: brain.entries.list({ limit, kind }), notices: [], query };
  const response = await brain.search(query, { mode: "hybrid", prefix: true, limit, kind, signal });
  return { memories: response.results, notices: response.notices, model: response.model, query };
}
