import { showToast, Toast } from "@raycast/api";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { BackupReport } from "../core/backup.ts";
import type { BrainConfig } from "../core/config.ts";
import type { EmbedReport } from "../core/embedder.ts";
import type { SecretStore } from "../core/ports.ts";
import { raycastConfig, withBrain } from "../helpers/brain.ts";
import { showFailure } from "../helpers/feedback.ts";
import { backUpNow, readStatus, type StatusSnapshot } from "../helpers/status.ts";

export interface BrainStatusState {
  config: BrainConfig;
  /** Null until the first read. */
  snapshot: StatusSnapshot | null;
  /** True while reading or while Embed Now / Back Up Now runs. */
  isLoading: boolean;
  embedNow(): Promise<void>;
  backupNow(): Promise<void>;
}

/**
 * The menu bar's state: the status snapshot, read on open and after each action, and the two
 * actions, each ending in a toast that says what happened (or what to do about it).
 *
 * @example
 * const { snapshot, embedNow, backupNow } = useBrainStatus(() => detectSecretStore(process.platform));
 */
export function useBrainStatus(secrets: () => SecretStore): BrainStatusState {
  const config = useMemo(() => raycastConfig(), []);
  const [snapshot, setSnapshot] = useState<StatusSnapshot | null>(null);
  const [busy, setBusy] = useState(false);
  const reload = useCallback(() => {
    void readStatus(config, new Date()).then(setSnapshot);
  }, [config]);
  useEffect(reload, [reload]);

  const run = async (what: string, work: () => Promise<Toast.Options>) => {
    setBusy(true);
    try {
      await showToast(await work());
    } catch (err) {
      await showFailure(`${what} failed`, err);
    } finally {
      setBusy(false);
      reload();
    }
  };
  return {
    config,
    snapshot,
    isLoading: snapshot === null || busy,
    embedNow: () => run("Embedding", async () => embedToast(await withBrain((brain) => brain.embed()))),
    backupNow: () => run("Backup", async () => backupToast(await backUpNow(config, secrets()))),
  };
}

/** What an embedder pass did. Ollama down or a missing model ends a pass early: the report says why. */
export function embedToast(report: EmbedReport): Toast.Options {
  const done = `Embedded ${report.embedded} ${report.embedded === 1 ? "memory" : "memories"}`;
  const firstError = report.errors[0];
  if (!firstError)
    return { style: Toast.Style.Success, title: done, message: `${report.pending} still waiting` };
  const title = report.embedded > 0 ? `${done}, then stopped` : "Embedding failed";
  return { style: Toast.Style.Failure, title, message: firstError.message };
}

/** What a backup did; a failed offsite copy (the local backup is kept) is a failure with its fix. */
export function backupToast(report: BackupReport): Toast.Options {
  const title = `Backed up ${report.counts.entries ?? 0} entries`;
  if (report.offsite.status !== "failed") return { style: Toast.Style.Success, title, message: report.file };
  const { message, hint } = report.offsite.error;
  return {
    style: Toast.Style.Failure,
    title: `${title}; the offsite copy failed`,
    message: [message, hint].join(" "),
  };
}
