import { Color, Icon, launchCommand, LaunchType, MenuBarExtra, open } from "@raycast/api";
import { detectSecretStore } from "../core/adapters/keychain.ts";
import type { SecretStore } from "../core/ports.ts";
import { showFailure } from "../helpers/feedback.ts";
import { ago } from "../helpers/format.ts";
import type { StatusSnapshot } from "../helpers/status.ts";
import { useBrainStatus } from "../hooks/useBrainStatus.ts";

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
  const { config, snapshot, isLoading, embedNow, backupNow } = useBrainStatus(props.secrets);
  const warn =
    snapshot !== null && (snapshot.backupStale || !snapshot.ollama.reachable || snapshot.error !== undefined);
  return (
    <MenuBarExtra
      isLoading={isLoading}
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
