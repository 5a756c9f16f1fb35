/** Where Quick Capture found its text. */
export type TextOrigin = "argument" | "selection" | "clipboard";

export interface TextSources {
  /** The command's argument, as typed after the command name. */
  argument?: string;
  /** The frontmost app's selected text; rejects when there is none or access is not granted. */
  selectedText(): Promise<string>;
  /** The clipboard's text, if any. */
  clipboardText(): Promise<string | undefined>;
}

/**
 * The text Quick Capture saves: the argument if one was typed, else the selected text, else the
 * clipboard. Null when all three are empty.
 *
 * @example
 * const picked = await pickText({ argument, selectedText: getSelectedText, clipboardText: Clipboard.readText });
 * // { text: "Switched to pnpm", from: "selection" }
 */
export async function pickText(sources: TextSources): Promise<{ text: string; from: TextOrigin } | null> {
  const argument = sources.argument?.trim();
  if (argument) return { text: argument, from: "argument" };
  const selected = await sources.selectedText().then(
    (text) => text.trim(),
    () => "",
  );
  if (selected) return { text: selected, from: "selection" };
  const clipboard = (await sources.clipboardText().catch(() => undefined))?.trim();
  return clipboard ? { text: clipboard, from: "clipboard" } : null;
}

/** How a toast names the origin: "From the selection". */
export const ORIGIN_WORDS: Record<TextOrigin, string> = {
  argument: "Typed",
  selection: "From the selection",
  clipboard: "From the clipboard",
};
