import { Clipboard, getSelectedText, showToast, Toast, type LaunchProps } from "@raycast/api";
import { withBrain } from "../helpers/brain.ts";
import { showFailure } from "../helpers/feedback.ts";
import { savedMessage } from "../helpers/format.ts";
import { ORIGIN_WORDS, pickText } from "../helpers/text-source.ts";

interface QuickCaptureArguments {
  text?: string;
}

/**
 * Quick Capture, a no-view command for a hotkey: saves the argument, else the selected text, else
 * the clipboard, and a toast says what was saved (Raycast shows it as a HUD when its window is closed).
 */
export default async function QuickCapture(props: LaunchProps<{ arguments: QuickCaptureArguments }>) {
  try {
    const picked = await pickText({
      argument: props.arguments?.text,
      selectedText: getSelectedText,
      clipboardText: () => Clipboard.readText(),
    });
    if (!picked) {
      await showToast({
        style: Toast.Style.Failure,
        title: "Nothing to capture",
        message: "Type a thought after the command, or select or copy some text first.",
      });
      return;
    }
    const source = picked.from === "argument" ? "raycast" : `raycast ${picked.from}`;
    const { entry, status } = await withBrain((brain) =>
      brain.entries.capture({ text: picked.text, source }),
    );
    const saved = savedMessage(entry);
    await showToast({
      style: Toast.Style.Success,
      title: status === "duplicate" ? `Already saved as entry ${entry.id}` : saved.title,
      message: `${ORIGIN_WORDS[picked.from]}: ${saved.message}`,
    });
  } catch (err) {
    await showFailure("Could not capture", err);
  }
}
