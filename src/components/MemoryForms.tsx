import { showToast, Toast, useNavigation } from "@raycast/api";
import type { Brain } from "../core/brain.ts";
import type { Entry } from "../core/store/index.ts";
import { embedSoon } from "../helpers/embed-soon.ts";
import { showFailure } from "../helpers/feedback.ts";
import { savedMessage } from "../helpers/format.ts";
import { EntryForm, type EntryFormValues } from "./EntryForm.tsx";

/**
 * Edits a memory in place (its old text stays in history), then goes back to the list.
 *
 * @example
 * <Action.Push title="Edit" target={<EditMemory brain={brain} entry={entry} onSaved={refresh} />} />
 */
export function EditMemory(props: { brain: Brain; entry: Entry; onSaved(): void }) {
  const { pop } = useNavigation();
  async function save(values: EntryFormValues) {
    try {
      const entry = props.brain.entries.edit(props.entry.id, values);
      await showToast({ style: Toast.Style.Success, title: `Saved changes to ${entry.kind} #${entry.id}` });
      props.onSaved();
      pop();
      // The new text's meaning, in the background; the list searches again once it is in.
      void embedSoon(props.brain, entry.id).then((done) => done && props.onSaved());
    } catch (err) {
      await showFailure("Could not save the changes", err);
    }
  }
  return (
    <EntryForm
      navigationTitle={`Edit #${props.entry.id}`}
      submitTitle="Save Changes"
      initial={props.entry}
      onSubmit={save}
    />
  );
}

/**
 * Captures a new thought from inside another command (the search text comes along), then goes back.
 *
 * @example
 * <Action.Push title="Capture New" target={<CaptureNew brain={brain} text={searchText} onSaved={refresh} />} />
 */
export function CaptureNew(props: { brain: Brain; text?: string; onSaved(): void }) {
  const { pop } = useNavigation();
  async function save(values: EntryFormValues) {
    try {
      const { entry } = props.brain.entries.capture({ ...values, source: "raycast" });
      await showToast({ style: Toast.Style.Success, ...savedMessage(entry) });
      props.onSaved();
      pop();
      void embedSoon(props.brain, entry.id).then((done) => done && props.onSaved());
    } catch (err) {
      await showFailure("Could not save the thought", err);
    }
  }
  return (
    <EntryForm
      navigationTitle="Capture Thought"
      submitTitle="Save Thought"
      initial={{ text: props.text }}
      onSubmit={save}
    />
  );
}
