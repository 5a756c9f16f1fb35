import { isPrivate } from "../privacy/index.ts";
import type { EntryStore, SourceRow } from "../store/index.ts";

/**
 * Keeping every entry made from a `#private` note private. Import gives each part of a note the
 * note's tags (`noteTags`), but it leaves some entries of a file as they are: one changed in Local
 * Brain since it was imported, and one kept although its part is gone. Those could have been
 * imported without the tag (before every part carried it, or before the note was marked), so they
 * get the note's private tags too: only tags are added, never text changed.
 */

/** The tags among a note's that keep it on this machine (`private`, `private/…`). */
export function privateTagsOf(tags: readonly string[]): string[] {
  return tags.filter((tag) => isPrivate({ tags: [tag] }));
}

/**
 * Adds the note's private tags the entry lacks; true when it had to.
 *
 * @example
 * keepPrivate(entries, { id: 7, tags: '["health"]' }, ["private"]) // true: now ["health", "private"]
 */
export function keepPrivate(
  entries: EntryStore,
  row: Pick<SourceRow, "id" | "tags">,
  privateTags: readonly string[],
): boolean {
  const tags = JSON.parse(row.tags) as string[];
  const missing = privateTags.filter((tag) => !tags.includes(tag));
  if (missing.length === 0) return false;
  entries.edit(row.id, { tags: [...tags, ...missing] });
  return true;
}
