/** A piece of an entry's text that gets its own vector. */
export interface Chunk {
  seq: number;
  start: number;
  end: number;
  text: string;
}

/** ~300 tokens: well inside mxbai-embed-large's 512-token window, with room for long words. */
export const CHUNK_CHARS = 1200;
/** Overlap so a sentence cut at a boundary is whole in one of the two chunks. */
export const CHUNK_OVERLAP = 200;

/**
 * Splits long text into overlapping chunks, cutting at a paragraph, sentence or word boundary
 * near the size limit. Short text is one chunk.
 *
 * @example
 * chunkText("short note") // [{ seq: 0, start: 0, end: 10, text: "short note" }]
 */
export function chunkText(text: string, size = CHUNK_CHARS, overlap = CHUNK_OVERLAP): Chunk[] {
  if (text.length <= size) return [{ seq: 0, start: 0, end: text.length, text }];
  const chunks: Chunk[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    if (end < text.length) end = cutPoint(text, start + Math.floor(size / 2), end);
    chunks.push({ seq: chunks.length, start, end, text: text.slice(start, end) });
    if (end >= text.length) break;
    start = Math.max(start + 1, wordStart(text, end - overlap));
  }
  return chunks;
}

/** The best place to cut in [min, max]: a paragraph break, else a sentence end, else a space. */
function cutPoint(text: string, min: number, max: number): number {
  const window = text.slice(min, max);
  for (const pattern of [/\n\s*\n/g, /[.!?]\s/g, /\s/g]) {
    let last = -1;
    for (const match of window.matchAll(pattern)) last = match.index + match[0].length;
    if (last > 0) return min + last;
  }
  return max;
}

function wordStart(text: string, at: number): number {
  const space = text.indexOf(" ", at);
  return space === -1 || space - at > 50 ? at : space + 1;
}
