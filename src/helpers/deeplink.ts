/** The extension's author and name in package.json: the first parts of its deeplinks. */
const OWNER = "local-brain";
const EXTENSION = "local-brain";

/**
 * A link that opens Search Brain on one memory, for citations in markdown.
 *
 * @example
 * memoryLink(42); // "raycast://extensions/local-brain/local-brain/search-brain?launchContext=%7B%22entryId%22%3A42%7D"
 */
export function memoryLink(id: number): string {
  const context = encodeURIComponent(JSON.stringify({ entryId: id }));
  return `raycast://extensions/${OWNER}/${EXTENSION}/search-brain?launchContext=${context}`;
}
