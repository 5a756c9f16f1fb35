/** Where Quick Capture found its text. */
export type TextOrigin = "argument" | "selection" | "clipboard";

export interface TextSources {
  /** The command's argument, or the root search's text when launched as a fallback command. */
  argument?: string;
  /** The frontmost app's selected text; rejects when there is none or access is not granted. Absent: not asked. */
  selectedText?(): Promise<string>;
  /** The clipboard's text, if any. Absent: not allowed (a copied password must not become a memory). */
  clipboardText?(): Promise<string | undefined>;
}

/**
 * The text Quick Capture saves: the argument if one was typed, else the selected text, else the
 * clipboard (only when offered). Null when all are empty or not offered.
 *
 * @example
 * const picked = await pickText({ argument, selectedText: getSelectedText });
 * // { text: "Switched to pnpm", from: "selection" }
 */
export async function pickText(sources: TextSources): Promise<{ text: string; from: TextOrigin } | null> {
  const argument = sources.argument?.trim();
  if (argument) return { text: argument, from: "argument" };
  const selected = sources.selectedText
    ? await sources.selectedText().then(
        (text) => text.trim(),
        () => "",
      )
    : "";
  if (selected) return { text: selected, from: "selection" };
  const clipboard = sources.clipboardText
    ? (await sources.clipboardText().catch(() => undefined))?.trim()
    : undefined;
  return clipboard ? { text: clipboard, from: "clipboard" } : null;
}

/** How a HUD names the origin: "From the selection". */
export const ORIGIN_WORDS: Record<TextOrigin, string> = {
  argument: "Typed",
  selection: "From the selection",
  clipboard: "From the clipboard",
};
