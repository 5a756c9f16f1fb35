import { Action, ActionPanel, Form, Icon, showToast, Toast, useNavigation } from "@raycast/api";
import { useState } from "react";
import type { Brain } from "../core/brain.ts";
import type { Entry } from "../core/store/index.ts";
import { showFailure } from "../helpers/feedback.ts";
import { firstLine } from "../helpers/format.ts";

/**
 * Links a memory by hand to another memory (its id), a #tag, an @person, a [[Title]] or a URL,
 * so it shows up among that one's related memories. Goes back to the list when done.
 *
 * @example
 * <Action.Push title="Link Memory" target={<LinkMemory brain={brain} entry={entry} onLinked={refresh} />} />
 */
export function LinkMemory(props: { brain: Brain; entry: Entry; onLinked(): void }) {
  const { pop } = useNavigation();
  const [error, setError] = useState<string | undefined>();

  async function link(values: { to?: string }) {
    const to = values.to?.trim().replace(/^#(\d+)$/, "$1") ?? "";
    if (to === "") {
      setError("Name what to link to");
      return;
    }
    const isEntry = /^\d+$/.test(to);
    const label = isEntry ? `#${to}` : to;
    try {
      const changed = props.brain.link(props.entry.id, isEntry ? Number(to) : to);
      await showToast({
        style: Toast.Style.Success,
        title: changed
          ? `Linked #${props.entry.id} to ${label}`
          : `#${props.entry.id} was already linked to ${label}`,
      });
      props.onLinked();
      pop();
    } catch (err) {
      await showFailure("Could not link", err);
    }
  }

  return (
    <Form
      navigationTitle={`Link #${props.entry.id}`}
      actions={
        <ActionPanel>
          <Action.SubmitForm title="Link" icon={Icon.Link} onSubmit={link} />
        </ActionPanel>
      }
    >
      <Form.Description title="Memory" text={firstLine(props.entry.text, 120)} />
      <Form.TextField
        id="to"
        title="Link To"
        placeholder="42, #billing, @maria, [[Billing v2]] or a URL"
        info="Another memory's id (42 or #42), a #tag, an @person, a [[Title]] or a web address."
        error={error}
        onChange={() => setError(undefined)}
        autoFocus
      />
    </Form>
  );
}
