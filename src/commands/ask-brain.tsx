import { Action, ActionPanel, Detail, Icon, Keyboard, type LaunchProps } from "@raycast/api";
import type { Brain } from "../core/brain.ts";
import { MemoryView } from "../components/MemoryView.tsx";
import { answerMarkdown } from "../helpers/answer-markdown.ts";
import { describeError } from "../helpers/feedback.ts";
import { firstLine } from "../helpers/format.ts";
import { useAsk, type AskState } from "../hooks/useAsk.ts";
import { useBrain } from "../hooks/useBrain.ts";

interface AskArguments {
  question?: string;
}

/**
 * Ask Brain: the question (the command's argument) answered by the chat model from your own
 * memories. The answer streams in; each citation `[n]` opens the memory it cites; the route
 * (local or cloud) and the model are in the sidebar.
 */
export default function AskBrain(props: LaunchProps<{ arguments: AskArguments }>) {
  const question = props.arguments?.question?.trim() ?? "";
  const { brain, error } = useBrain();
  const ask = useAsk(brain, question);
  if (question === "") {
    return (
      <Detail
        markdown={
          "## Ask your brain\n\nType a question after the command, e.g. _what did we decide about billing?_"
        }
      />
    );
  }
  const markdown = error
    ? `## ${question}\n\n> **${describeError(error)}**`
    : answerMarkdown({
        question,
        answer: ask.answer,
        sources: ask.sources,
        cited: ask.result?.citations.map((c) => c.n),
        notices: ask.notices,
        error: ask.error,
        done: !ask.isLoading,
      });
  return (
    <Detail
      isLoading={ask.isLoading && !error}
      navigationTitle="Ask Brain"
      markdown={markdown}
      metadata={<AskMetadata ask={ask} />}
      actions={brain && <AskActions brain={brain} ask={ask} />}
    />
  );
}

function routeText(ask: AskState): string {
  if (ask.route === "none") return "none: nothing relevant stored";
  if (ask.route === "cloud") return "cloud (allowed by you)";
  return ask.route ?? "…";
}

function AskMetadata({ ask }: { ask: AskState }) {
  const cited = ask.result?.citations ?? [];
  return (
    <Detail.Metadata>
      <Detail.Metadata.Label title="Route" text={routeText(ask)} />
      <Detail.Metadata.Label title="Model" text={ask.model ?? (ask.isLoading ? "…" : "none")} />
      {ask.route === "cloud" && (
        <Detail.Metadata.Label
          title="Sent to the cloud"
          text={`The question and ${ask.sources.length} ${ask.sources.length === 1 ? "memory" : "memories"} (listed below)`}
        />
      )}
      {ask.result && !ask.result.abstained && (
        <Detail.Metadata.Label title="Relevance" text={ask.result.relevance.toFixed(2)} />
      )}
      {cited.length > 0 && <Detail.Metadata.Separator />}
      {cited.map((c) => (
        <Detail.Metadata.Label key={c.n} title={`[${c.n}]`} text={firstLine(c.text, 60)} />
      ))}
    </Detail.Metadata>
  );
}

function AskActions({ brain, ask }: { brain: Brain; ask: AskState }) {
  const cited = ask.result?.citations ?? [];
  const shown = cited.length > 0 ? cited : ask.sources;
  return (
    <ActionPanel>
      <ActionPanel.Section>
        {shown.map((c) => {
          const entry = brain.entries.find(c.id);
          return (
            entry && (
              <Action.Push
                key={c.n}
                title={`Open [${c.n}] ${firstLine(c.text, 40)}`}
                icon={Icon.Document}
                target={<MemoryView entry={entry} />}
              />
            )
          );
        })}
      </ActionPanel.Section>
      <ActionPanel.Section>
        <Action.CopyToClipboard
          title="Copy Answer"
          content={ask.answer}
          shortcut={Keyboard.Shortcut.Common.Copy}
        />
        <Action
          title="Ask Again"
          icon={Icon.ArrowClockwise}
          shortcut={Keyboard.Shortcut.Common.Refresh}
          onAction={ask.retry}
        />
      </ActionPanel.Section>
    </ActionPanel>
  );
}
