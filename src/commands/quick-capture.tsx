import {
  Clipboard,
  getPreferenceValues,
  getSelectedText,
  open,
  showHUD,
  showToast,
  Toast,
  type LaunchProps,
} from "@raycast/api";
import {
  macPermissions,
  PRIVACY_PANE_NAMES,
  PRIVACY_PANES,
  type Permissions,
} from "../core/adapters/index.ts";
import { withBrain } from "../helpers/brain.ts";
import type { BrainPreferences } from "../helpers/config.ts";
import { embedSoon } from "../helpers/embed-soon.ts";
import { showFailure } from "../helpers/feedback.ts";
import { savedMessage } from "../helpers/format.ts";
import { ORIGIN_WORDS, pickText } from "../helpers/text-source.ts";

interface QuickCaptureArguments {
  text?: string;
}

/** Quick Capture, a no-view command for a hotkey. */
export default async function QuickCapture(props: LaunchProps<{ arguments: QuickCaptureArguments }>) {
  await quickCapture(props, macPermissions());
}

/**
 * Saves the argument (or the text typed in Raycast's root search, as a fallback command), else the
 * selected text, else the clipboard when the preference allows it; a HUD says what was saved and
 * the root search is cleared. Reading the selection needs Accessibility for Raycast: when macOS
 * says it is not granted, a toast says where to grant it instead of failing silently. The entry is
 * then embedded in the background.
 *
 * @example
 * await quickCapture(props, macPermissions());
 */
export async function quickCapture(
  props: LaunchProps<{ arguments: QuickCaptureArguments }>,
  permissions: Permissions,
): Promise<void> {
  try {
    const prefs = getPreferenceValues<BrainPreferences>();
    const accessibility = permissions.status("accessibility");
    const picked = await pickText({
      argument: props.arguments?.text || props.fallbackText,
      selectedText: accessibility === "denied" ? undefined : getSelectedText,
      clipboardText: prefs.captureClipboard ? () => Clipboard.readText() : undefined,
    });
    if (!picked) {
      await (accessibility === "denied"
        ? askForAccessibility()
        : nothingToCapture(prefs.captureClipboard === true));
      return;
    }
    const source = picked.from === "argument" ? "raycast" : `raycast ${picked.from}`;
    await withBrain(async (brain) => {
      const { entry, status } = brain.entries.capture({ text: picked.text, source });
      const saved = savedMessage(entry);
      const title = status === "duplicate" ? `Already saved as entry ${entry.id}` : saved.title;
      await showHUD(`${title} · ${ORIGIN_WORDS[picked.from]}: ${saved.message}`, {
        clearRootSearch: true,
      });
      if (status !== "duplicate") await embedSoon(brain, entry.id);
    });
  } catch (err) {
    await showFailure("Could not capture", err);
  }
}

async function askForAccessibility(): Promise<void> {
  await showToast({
    style: Toast.Style.Failure,
    title: "Raycast may not read the selection",
    message: `Allow Raycast in ${PRIVACY_PANE_NAMES.accessibility}, or type the thought after the command.`,
    primaryAction: {
      title: "Open Accessibility Settings",
      onAction: () => void open(PRIVACY_PANES.accessibility),
    },
  });
}

async function nothingToCapture(clipboardAllowed: boolean): Promise<void> {
  await showToast({
    style: Toast.Style.Failure,
    title: "Nothing to capture",
    message: clipboardAllowed
      ? "Type a thought after the command, or select or copy some text first."
      : "Type a thought after the command, or select some text first (the clipboard is used only if you allow it in the preferences).",
  });
}
