import { popToRoot, showHUD, type LaunchProps } from "@raycast/api";
import { EntryForm, type EntryFormValues } from "../components/EntryForm.tsx";
import { KINDS, type Kind } from "../core/store/index.ts";
import { withBrain } from "../helpers/brain.ts";
import { embedSoon } from "../helpers/embed-soon.ts";
import { showFailure } from "../helpers/feedback.ts";
import { parseTags, savedMessage } from "../helpers/format.ts";

interface CaptureDraft {
  text?: string;
  kind?: string;
  tags?: string;
}

/**
 * Capture Thought: a form for the text, its kind and tags. ⌘↵ saves, a HUD says what was saved
 * and the window closes, ready for the next thought; then the entry is embedded in the background.
 * What was typed survives closing the window; text typed in Raycast's root search (a fallback
 * command) starts the form.
 */
export default function CaptureThought(props: LaunchProps<{ draftValues: CaptureDraft }>) {
  const draft = props.draftValues;
  async function save(values: EntryFormValues) {
    try {
      await withBrain(async (brain) => {
        const { entry, status } = brain.entries.capture({ ...values, source: "raycast" });
        const saved = savedMessage(entry);
        const title = status === "duplicate" ? `Already saved as entry ${entry.id}` : saved.title;
        await showHUD(`${title}: ${saved.message}`, { clearRootSearch: true });
        await popToRoot({ clearSearchBar: true });
        // After the window closed: meaning search finds it within seconds when Ollama is up.
        if (status !== "duplicate") await embedSoon(brain, entry.id);
      });
    } catch (err) {
      await showFailure("Could not save the thought", err);
    }
  }
  return (
    <EntryForm
      submitTitle="Save Thought"
      enableDrafts
      initial={{
        text: draft?.text ?? props.fallbackText,
        kind: (KINDS as readonly string[]).includes(draft?.kind ?? "") ? (draft?.kind as Kind) : undefined,
        tags: draft?.tags ? parseTags(draft.tags) : undefined,
      }}
      onSubmit={save}
    />
  );
}
