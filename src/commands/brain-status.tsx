import { Color, Icon, launchCommand, LaunchType, MenuBarExtra, open, showToast, Toast } from "@raycast/api";
import { useCallback, useEffect, useMemo, useState } from "react";
import { detectSecretStore } from "../core/adapters/keychain.ts";
import type { SecretStore } from "../core/ports.ts";
import { raycastConfig, withBrain } from "../helpers/brain.ts";
import { showFailure } from "../helpers/feedback.ts";
import { ago } from "../helpers/format.ts";
import { backUpNow, readStatus, type StatusSnapshot } from "../helpers/status.ts";

/** Brain Status in the menu bar, with the OS secret store for "Back Up Now". */
export default function BrainStatus() {
  return <BrainStatusMenu secrets={() => detectSecretStore(process.platform)} />;
}

/**
 * The menu: entries, embeddings still waiting, the last backup and its age (a warning after two
 * days), whether Ollama answers; and actions to run the embedder or a backup now.
 *
 * @example
 * <BrainStatusMenu secrets={() => detectSecretStore(process.platform)} />
 */
export function BrainStatusMenu(props: { secrets: () => SecretStore }) {
  const config = useMemo(() => raycastConfig(), []);
  const [snapshot, setSnapshot] = useState<StatusSnapshot | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const reload = useCallback(() => {
    void readStatus(config, new Date()).then(setSnapshot);
  }, [config]);
  useEffect(reload, [reload]);

  async function run(what: string, work: () => Promise<Toast.Options>) {
    setBusy(what);
    try {
      await showToast({ style: Toast.Style.Success, ...(await work()) });
    } catch (err) {
      await showFailure(`${what} failed`, err);
    } finally {
      setBusy(null);
      reload();
    }
  }
  const embedNow = () =>
    run("Embedding", async () => {
      const report = await withBrain((brain) => brain.embed());
      const done = `Embedded ${report.embedded} ${report.embedded === 1 ? "memory" : "memories"}`;
      const firstError = report.errors[0];
      if (!firstError) return { title: done, message: `${report.pending} still waiting` };
      // Ollama down or a model missing ends the pass early: the report says why, with the fix.
      const title = report.embedded > 0 ? `${done}, then stopped` : "Embedding failed";
      return { style: Toast.Style.Failure, title, message: firstError.message };
    });
  const backupNow = () =>
    run("Backup", async () => {
      const report = await backUpNow(config, props.secrets());
      const title = `Backed up ${report.counts.entries ?? 0} entries`;
      if (report.offsite.status !== "failed") return { title, message: report.file };
      const { message, hint } = report.offsite.error;
      return {
        style: Toast.Style.Failure,
        title: `${title}; the offsite copy failed`,
        message: [message, hint].join(" "),
      };
    });

  const warn =
    snapshot !== null && (snapshot.backupStale || !snapshot.ollama.reachable || snapshot.error !== undefined);
  return (
    <MenuBarExtra
      isLoading={snapshot === null || busy !== null}
      icon={{ source: Icon.LightBulb, tintColor: warn ? Color.Orange : undefined }}
      tooltip={warn ? "Local Brain needs attention" : "Local Brain"}
    >
      {snapshot && <StatusItems snapshot={snapshot} />}
      <MenuBarExtra.Section>
        <MenuBarExtra.Item title="Embed Now" icon={Icon.Bolt} onAction={embedNow} />
        <MenuBarExtra.Item title="Back Up Now" icon={Icon.HardDrive} onAction={backupNow} />
      </MenuBarExtra.Section>
      <MenuBarExtra.Section>
        <MenuBarExtra.Item
          title="Search Brain"
          icon={Icon.MagnifyingGlass}
          onAction={() => launch("search-brain")}
        />
        <MenuBarExtra.Item
          title="Capture Thought"
          icon={Icon.Plus}
          onAction={() => launch("capture-thought")}
        />
        <MenuBarExtra.Item title="Open Logs" icon={Icon.Terminal} onAction={() => open(config.logDir)} />
      </MenuBarExtra.Section>
    </MenuBarExtra>
  );
}

function StatusItems({ snapshot }: { snapshot: StatusSnapshot }) {
  const backup = snapshot.lastBackup;
  const ollama = snapshot.ollama;
  return (
    <MenuBarExtra.Section title="Local Brain">
      {snapshot.error ? (
        <MenuBarExtra.Item title="Database unreadable" icon={Icon.ExclamationMark} tooltip={snapshot.error} />
      ) : (
        <>
          <MenuBarExtra.Item
            title={`${snapshot.entries} ${snapshot.entries === 1 ? "entry" : "entries"}`}
            icon={Icon.Document}
          />
          <MenuBarExtra.Item
            title={`${snapshot.pending} waiting for embeddings`}
            icon={Icon.Hourglass}
            tooltip={`Embedding model: ${snapshot.embedModel}`}
          />
        </>
      )}
      <MenuBarExtra.Item
        title={backup ? `Last backup ${ago(backup.createdAt)}` : "No backup yet"}
        icon={snapshot.backupStale ? { source: Icon.Warning, tintColor: Color.Orange } : Icon.CheckCircle}
        tooltip={backupTooltip(snapshot)}
      />
      <MenuBarExtra.Item
        title={ollama.reachable ? "Ollama reachable" : "Ollama not reachable"}
        icon={ollama.error ? { source: Icon.Warning, tintColor: Color.Orange } : Icon.CheckCircle}
        tooltip={ollama.error?.sentence ?? `Ollama ${ollama.version ?? ""}`.trim()}
      />
    </MenuBarExtra.Section>
  );
}

function backupTooltip(snapshot: StatusSnapshot): string {
  const backup = snapshot.lastBackup;
  if (!backup)
    return "No backup yet: choose Back Up Now, or install the daily job with `brain jobs install`.";
  const when = new Date(backup.createdAt).toLocaleString();
  const warning = snapshot.backupStale
    ? " Older than two days: check the backup job with `brain jobs status`."
    : "";
  return `${backup.name}, ${when}${backup.offsite ? ", copied offsite" : ""}.${warning}`;
}

function launch(name: string) {
  void launchCommand({ name, type: LaunchType.UserInitiated }).catch((err: unknown) =>
    showFailure("Could not open", err),
  );
}
