import { createDeeplink } from "@raycast/utils";

/**
 * A link that opens Search Brain on one memory, for citations in markdown and "Copy Deeplink".
 * `createDeeplink` takes the owner from the manifest's `author`, the one place it is written.
 *
 * @example
 * memoryLink(42); // "raycast://extensions/<author>/local-brain/search-brain?context=%7B%22entryId%22%3A42%7D"
 */
export function memoryLink(id: number): string {
  return createDeeplink({ command: "search-brain", context: { entryId: id } });
}
