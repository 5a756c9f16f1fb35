import { Action, ActionPanel, Form, Icon } from "@raycast/api";
import { useState } from "react";
import { KINDS, type Kind } from "../core/store/index.ts";
import { KIND_TITLES, parseTags } from "../helpers/format.ts";

/** What the form hands to its `onSubmit`. */
export interface EntryFormValues {
  text: string;
  kind: Kind;
  tags: string[];
}

export interface EntryFormProps {
  /** The values the fields start with (an entry being edited, a draft, the search text). */
  initial?: Partial<{ text: string; kind: Kind; tags: string[] }>;
  /** The submit action's title: "Save Thought", "Save Changes". */
  submitTitle: string;
  navigationTitle?: string;
  /** Keeps what was typed when the window closes (Capture Thought only). */
  enableDrafts?: boolean;
  /** Saves the values. Errors are the caller's to show. */
  onSubmit(values: EntryFormValues): Promise<void> | void;
}

interface RawValues {
  text?: string;
  kind?: string;
  tags?: string;
}

/**
 * The form for a thought: its text, its kind and its tags. The submit action is the first in the
 * panel, which Raycast binds to ⌘↵ in a form, so saving is one keystroke from any field.
 *
 * @example
 * <EntryForm submitTitle="Save Thought" onSubmit={(values) => capture(values)} />
 */
export function EntryForm(props: EntryFormProps) {
  const [textError, setTextError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);

  async function submit(raw: RawValues) {
    const text = raw.text?.trim() ?? "";
    if (text === "") {
      setTextError("Write the thought first");
      return;
    }
    setSaving(true);
    try {
      await props.onSubmit({ text, kind: toKind(raw.kind), tags: parseTags(raw.tags ?? "") });
    } finally {
      setSaving(false);
    }
  }

  return (
    <Form
      isLoading={saving}
      navigationTitle={props.navigationTitle}
      enableDrafts={props.enableDrafts}
      actions={
        <ActionPanel>
          <Action.SubmitForm title={props.submitTitle} icon={Icon.SaveDocument} onSubmit={submit} />
        </ActionPanel>
      }
    >
      <Form.TextArea
        id="text"
        title="Thought"
        placeholder="What's on your mind? #tags, @people and [[links]] are picked up"
        defaultValue={props.initial?.text}
        error={textError}
        onChange={() => setTextError(undefined)}
        autoFocus
      />
      <Form.Dropdown id="kind" title="Kind" defaultValue={props.initial?.kind ?? "note"}>
        {KINDS.map((kind) => (
          <Form.Dropdown.Item key={kind} value={kind} title={KIND_TITLES[kind]} />
        ))}
      </Form.Dropdown>
      <Form.TextField
        id="tags"
        title="Tags"
        placeholder="work, ideas"
        defaultValue={props.initial?.tags?.join(", ")}
        info="Separated by commas or spaces. #tags in the text are added too."
      />
    </Form>
  );
}

function toKind(value: string | undefined): Kind {
  return (KINDS as readonly string[]).includes(value ?? "") ? (value as Kind) : "note";
}
