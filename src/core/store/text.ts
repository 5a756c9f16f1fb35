import { createHash } from "node:crypto";
import { BrainError } from "../base/index.ts";

/** The largest entry accepted, in UTF-8 bytes. */
export const MAX_ENTRY_BYTES = 10 * 1024 * 1024;

/**
 * Makes text safe to store: lone surrogates become U+FFFD (a JS string can hold them, UTF-8
 * cannot), NUL characters are dropped (SQLite's text functions stop at them), line endings
 * become \n, and surrounding whitespace goes. Refuses empty and oversized text.
 *
 * @example
 * cleanText("  hi\r\n") // "hi"
 */
export function cleanText(raw: string): string {
  const text = raw.toWellFormed().replace(/\0/g, "").replace(/\r\n?/g, "\n").trim();
  if (text.length === 0) {
    throw new BrainError("bad_input", "The text is empty, so nothing was saved.", {
      hint: "Give the text as an argument, or pipe it in with `-` in its place (`brain capture -`, `brain edit ID -`).",
    });
  }
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_ENTRY_BYTES) {
    throw new BrainError(
      "too_large",
      `The text is ${(bytes / 1048576).toFixed(1)} MB; an entry holds at most 10 MB, so nothing was saved.`,
      { hint: "Split it into smaller entries, or use `brain import` for long files (it splits them)." },
    );
  }
  return text;
}

/** Decodes bytes read from stdin or a file as UTF-8, replacing invalid sequences with U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false, ignoreBOM: false }).decode(bytes);
}

/** SHA-256 of the text, hex: the content hash stored with every entry. */
export function contentHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

const TAG_IN_TEXT = /(?<![\p{L}\p{N}_&/#])#([\p{L}\p{N}_][\p{L}\p{N}_\-/]*)/gu;

/**
 * Normalises a tag: lower case, no leading '#', letters, digits, '_', '-' and '/' only.
 * Returns null when nothing usable is left.
 *
 * @example
 * normalizeTag("#Tooling") // "tooling"
 */
export function normalizeTag(raw: string): string | null {
  const tag = raw
    .trim()
    .replace(/^#+/, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\-/]+/gu, "-")
    .replace(/^[-/]+|[-/]+$/g, "");
  return tag.length > 0 && tag.length <= 64 ? tag : null;
}

/**
 * The text without its #tags, spaces collapsed: two texts that say the same but for a tag added
 * or removed in them (`#private` written into a line) are equal this way.
 *
 * @example
 * textWithoutTags("my salary is 250k #private") // "my salary is 250k"
 */
export function textWithoutTags(text: string): string {
  return withoutWrittenTags(text, () => true).replace(/\s+/g, " ");
}

/** A #tag written in a text with the spaces and tabs before it. */
const SPACED_TAG_IN_TEXT = new RegExp(`[ \\t]*${TAG_IN_TEXT.source}`, "gu");

/**
 * The text without the #tags `drop` picks (each with the spaces before it), the rest as it was,
 * trimmed: the text a line had before such a tag was written into it.
 *
 * @example
 * withoutWrittenTags("met Anna #private about the raise #hr", (tag) => tag === "private")
 * // "met Anna about the raise #hr"
 */
export function withoutWrittenTags(text: string, drop: (tag: string) => boolean): string {
  return text
    .replace(SPACED_TAG_IN_TEXT, (whole, raw: string) => {
      const tag = writtenTag(raw);
      return tag !== null && drop(tag) ? "" : whole;
    })
    .trim();
}

/** The #tags written in a text, normalised, in order of first appearance. A pure number (#42) is not a tag. */
export function tagsInText(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(TAG_IN_TEXT)) {
    const tag = writtenTag(match[1] ?? "");
    if (tag) found.push(tag);
  }
  return found;
}

/** The tag a `#word` written in a text stands for, or null (a pure number, #42, is not a tag). */
function writtenTag(raw: string): string | null {
  return /^\d+$/.test(raw) ? null : normalizeTag(raw);
}

/** Given tags plus the text's #tags, normalised and without repeats. */
export function mergeTags(given: readonly string[], text: string): string[] {
  const all = [...given.map(normalizeTag), ...tagsInText(text)].filter((t): t is string => t !== null);
  return [...new Set(all)];
}

/** Escapes memory text (for a model's prompt) for the inside of a `<memory>` element or an attribute value. */
export function escapeMemoryText(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => ESCAPES[ch]!);
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
