import {
  Action,
  ActionPanel,
  Detail,
  Form,
  Icon,
  Keyboard,
  useNavigation,
  type LaunchProps,
} from "@raycast/api";
import { useState } from "react";
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
 * Ask Brain: the question (the command's argument, or the root search's text as a fallback
 * command) answered by the chat model from your own memories. The answer streams in; each citation
 * `[n]` opens the memory it cites; the route (local or cloud) and the model are in the sidebar. A
 * follow-up question is asked in the same view. "Look up Step by Step" asks again with the memory
 * tools (the model searches and follows links itself); its calls are listed under the answer, and
 * Hide Steps / Show Steps folds that trace.
 */
export default function AskBrain(props: LaunchProps<{ arguments: AskArguments }>) {
  const [question, setQuestion] = useState((props.arguments?.question || props.fallbackText || "").trim());
  const { brain, error } = useBrain();
  const [agent, setAgent] = useState(false);
  const [showSteps, setShowSteps] = useState(true);
  const ask = useAsk(brain, question, agent);
  const trace: Trace = {
    agent,
    showSteps,
    lookUp: () => setAgent(true),
    toggle: () => setShowSteps((v) => !v),
  };
  if (question === "") {
    return (
      <Detail
        markdown={
          "## Ask your brain\n\nType a question after the command, e.g. _what did we decide about billing?_"
        }
        actions={
          <ActionPanel>
            <AskFollowUp title="Ask a Question" onAsk={setQuestion} />
          </ActionPanel>
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
        ...(agent ? { steps: { lines: ask.steps, shown: showSteps } } : {}),
      });
  return (
    <Detail
      isLoading={ask.isLoading && !error}
      markdown={markdown}
      metadata={<AskMetadata ask={ask} />}
      actions={brain && <AskActions brain={brain} ask={ask} trace={trace} onFollowUp={setQuestion} />}
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

/** Whether the memory tools are used, and whether their trace is shown. */
interface Trace {
  agent: boolean;
  showSteps: boolean;
  lookUp(): void;
  toggle(): void;
}

function TraceAction({ trace }: { trace: Trace }) {
  if (!trace.agent) {
    return <Action title="Look up Step by Step" icon={Icon.MagnifyingGlass} onAction={trace.lookUp} />;
  }
  return (
    <Action
      title={trace.showSteps ? "Hide Steps" : "Show Steps"}
      icon={Icon.List}
      shortcut={{ modifiers: ["cmd"], key: "t" }}
      onAction={trace.toggle}
    />
  );
}

function AskActions({
  brain,
  ask,
  trace,
  onFollowUp,
}: {
  brain: Brain;
  ask: AskState;
  trace: Trace;
  onFollowUp(q: string): void;
}) {
  const cited = ask.result?.citations ?? [];
  const shown = cited.length > 0 ? cited : ask.sources;
  const entries = shown.flatMap((c) => {
    const entry = brain.entries.find(c.id);
    return entry ? [{ c, entry }] : [];
  });
  return (
    <ActionPanel>
      <ActionPanel.Section>
        <Action.CopyToClipboard title="Copy Answer" content={ask.answer} />
        <Action.Paste title="Paste Answer" content={ask.answer} />
        <AskFollowUp title="Ask a Follow-up Question" onAsk={onFollowUp} />
        <TraceAction trace={trace} />
      </ActionPanel.Section>
      <ActionPanel.Section>
        {entries.length > 0 && (
          <ActionPanel.Submenu
            title="Open Citation…"
            icon={Icon.Document}
            shortcut={Keyboard.Shortcut.Common.Open}
          >
            {entries.map(({ c, entry }) => (
              <Action.Push
                key={c.n}
                title={`[${c.n}] ${firstLine(c.text, 40)}`}
                icon={Icon.Document}
                target={<MemoryView entry={entry} />}
              />
            ))}
          </ActionPanel.Submenu>
        )}
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

/** Asks another question in the same view: a one-field form, then back to the answer. */
function AskFollowUp(props: { title: string; onAsk(question: string): void }) {
  return (
    <Action.Push
      title={props.title}
      icon={Icon.QuestionMark}
      shortcut={Keyboard.Shortcut.Common.New}
      target={<FollowUpForm onAsk={props.onAsk} />}
    />
  );
}

function FollowUpForm(props: { onAsk(question: string): void }) {
  const { pop } = useNavigation();
  return (
    <Form
      actions={
        <ActionPanel>
          <Action.SubmitForm
            title="Ask"
            onSubmit={(values: { question: string }) => {
              if (values.question.trim() === "") return;
              props.onAsk(values.question.trim());
              pop();
            }}
          />
        </ActionPanel>
      }
    >
      <Form.TextField id="question" title="Question" placeholder="What else do you want to know?" />
    </Form>
  );
}
