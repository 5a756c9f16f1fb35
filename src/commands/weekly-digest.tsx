import { Action, ActionPanel, Detail, Icon } from "@raycast/api";
import { digestMarkdown } from "../core/enrich/index.ts";
import { memoryLink } from "../helpers/deeplink.ts";
import { describeError } from "../helpers/feedback.ts";
import { imagesAsLinks } from "../helpers/format.ts";
import { useBrain } from "../hooks/useBrain.ts";
import { useDigest } from "../hooks/useDigest.ts";

/**
 * Weekly Digest: what you captured in the last seven days (decisions, open questions, people,
 * topics), written by the on-device structured model; each entry id opens that memory in Search
 * Brain.
 */
export default function WeeklyDigest() {
  const { brain, error: openError } = useBrain();
  const { digest, error, isLoading, refresh } = useDigest(brain, "7d");
  const failure = openError ?? error;
  const markdown = digest
    ? imagesAsLinks(digestMarkdown(digest, memoryLink))
    : failure
      ? `## Weekly Digest\n\n> **${describeError(failure)}**`
      : "## Weekly Digest\n\nSummarising the last seven days…";
  return (
    <Detail
      isLoading={isLoading}
      navigationTitle="Weekly Digest"
      markdown={markdown}
      actions={
        <ActionPanel>
          {brain && <Action title="Write Again" icon={Icon.ArrowClockwise} onAction={refresh} />}
          {digest && <Action.CopyToClipboard title="Copy Digest" content={digestMarkdown(digest)} />}
        </ActionPanel>
      }
    />
  );
}
