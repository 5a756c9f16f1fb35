import { popToRoot, showHUD, type LaunchProps } from "@raycast/api";
import { EntryForm, type EntryFormValues } from "../components/EntryForm.tsx";
import { KINDS, type Kind } from "../core/entries.ts";
import { withBrain } from "../helpers/brain.ts";
import { showFailure } from "../helpers/feedback.ts";
import { parseTags, savedMessage } from "../helpers/format.ts";

interface CaptureDraft {
  text?: string;
  kind?: string;
  tags?: string;
}

/**
 * Capture Thought: a form for the text, its kind and tags. ⌘↵ saves, a HUD says what was saved
 * and the window closes, ready for the next thought. What was typed survives closing the window.
 */
export default function CaptureThought(props: LaunchProps<{ draftValues: CaptureDraft }>) {
  const draft = props.draftValues;
  async function save(values: EntryFormValues) {
    try {
      const { entry, status } = await withBrain((brain) =>
        brain.entries.capture({ ...values, source: "raycast" }),
      );
      const saved = savedMessage(entry);
      const title = status === "duplicate" ? `Already saved as entry ${entry.id}` : saved.title;
      await showHUD(`${title}: ${saved.message}`);
      await popToRoot({ clearSearchBar: true });
    } catch (err) {
      await showFailure("Could not save the thought", err);
    }
  }
  return (
    <EntryForm
      submitTitle="Save Thought"
      enableDrafts
      initial={{
        text: draft?.text,
        kind: (KINDS as readonly string[]).includes(draft?.kind ?? "") ? (draft?.kind as Kind) : undefined,
        tags: draft?.tags ? parseTags(draft.tags) : undefined,
      }}
      onSubmit={save}
    />
  );
}
