import os from "node:os";
import {
  Clipboard,
  Color,
  environment,
  Icon,
  launchCommand,
  LaunchType,
  MenuBarExtra,
  open,
  openExtensionPreferences,
  type LaunchProps,
} from "@raycast/api";
import type { BrainConfig } from "../core/base/index.ts";
import {
  JOBS_INSTALL_COMMAND,
  type JobControl,
  type JobProgress,
  createProcessRunner,
} from "../core/jobs/index.ts";
import { AboutItems } from "../components/AboutItems.tsx";
import { showFailure } from "../helpers/feedback.ts";
import { ago } from "../helpers/format.ts";
import type { StatusSnapshot } from "../helpers/status.ts";
import { useBrainStatus, type BrainStatusOptions } from "../hooks/useBrainStatus.ts";

/** The launchd jobs of the person running Raycast, asked about with the real `launchctl`. */
export function launchdJobs(config: BrainConfig): JobControl {
  return {
    runner: createProcessRunner(),
    uid: process.getuid?.() ?? 501,
    home: os.homedir(),
    logDir: config.logDir,
  };
}

/** Brain Status in the menu bar. */
export default function BrainStatus(props: LaunchProps) {
  const background = (props.launchType ?? environment.launchType) === LaunchType.Background;
  return <BrainStatusMenu jobs={launchdJobs} background={background} />;
}

/**
 * The menu: entries, embeddings still waiting, the last backup and its age (a warning after two
 * days), whether Ollama answers, whether sqlite-vec loaded; Embed Now and Back Up Now start the
 * installed background jobs; and where everything is stored (what "About" used to show).
 *
 * @example
 * <BrainStatusMenu jobs={launchdJobs} background={false} />
 */
export function BrainStatusMenu(props: BrainStatusOptions) {
  const { config, snapshot, isLoading, following, embedNow, backupNow } = useBrainStatus(props);
  const warn =
    snapshot !== null &&
    (snapshot.backupStale ||
      !snapshot.ollama.reachable ||
      snapshot.error !== undefined ||
      !jobsReady(snapshot));
  return (
    <MenuBarExtra
      isLoading={isLoading}
      icon={{ source: Icon.LightBulb, tintColor: warn ? Color.Orange : undefined }}
      tooltip={warn ? "Local Brain needs attention" : "Local Brain"}
    >
      {snapshot && <StatusItems snapshot={snapshot} />}
      {snapshot && (
        <JobItems snapshot={snapshot} following={following} embedNow={embedNow} backupNow={backupNow} />
      )}
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
      <MenuBarExtra.Section>
        {snapshot && <AboutItems config={config} snapshot={snapshot} />}
        <MenuBarExtra.Item
          title="Preferences…"
          icon={Icon.Gear}
          onAction={() => openExtensionPreferences()}
        />
      </MenuBarExtra.Section>
    </MenuBarExtra>
  );
}

function jobsReady(snapshot: StatusSnapshot): boolean {
  return Object.values(snapshot.jobs).every((job) => job.installed && job.loaded);
}

function StatusItems({ snapshot }: { snapshot: StatusSnapshot }) {
  const backup = snapshot.lastBackup;
  const ollama = snapshot.ollama;
  const vec = snapshot.sqliteVec;
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
      {vec && !vec.loaded && (
        <MenuBarExtra.Item
          title="Meaning search without sqlite-vec (slower)"
          icon={{ source: Icon.Warning, tintColor: Color.Orange }}
          tooltip={`sqlite-vec could not load: ${vec.error ?? "unknown reason"}. Its binaries need macOS 14 (Apple silicon) or 15 (Intel); keyword search is unaffected.`}
        />
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

interface JobItemsProps {
  snapshot: StatusSnapshot;
  following: JobProgress | null;
  embedNow(): void;
  backupNow(): void;
}

/** Embed Now and Back Up Now when the jobs are installed; otherwise how to install them. */
function JobItems({ snapshot, following, embedNow, backupNow }: JobItemsProps) {
  if (!jobsReady(snapshot)) {
    return (
      <MenuBarExtra.Section title="Background jobs">
        <MenuBarExtra.Item
          title="Background jobs not installed"
          icon={{ source: Icon.Warning, tintColor: Color.Orange }}
          tooltip={`Embed Now and Back Up Now start the background jobs. Install them with \`${JOBS_INSTALL_COMMAND}\` in the Local Brain folder.`}
        />
        <MenuBarExtra.Item
          title="Copy Install Command"
          icon={Icon.Clipboard}
          onAction={() => Clipboard.copy(JOBS_INSTALL_COMMAND)}
        />
      </MenuBarExtra.Section>
    );
  }
  const running = (job: JobProgress) => job.running || following?.name === job.name;
  const progress = (job: JobProgress) => following?.name === job.name && following.activity;
  return (
    <MenuBarExtra.Section title="Background jobs">
      {Object.values(snapshot.jobs)
        .filter(running)
        .map((job) => (
          <MenuBarExtra.Item
            key={job.name}
            title={`${job.name === "embed" ? "Embedding" : "Backup"} running${progress(job) ? `: ${progress(job)}` : ""}`}
            icon={Icon.CircleProgress}
            tooltip={job.log.path}
          />
        ))}
      <MenuBarExtra.Item title="Embed Now" icon={Icon.Bolt} onAction={embedNow} />
      <MenuBarExtra.Item title="Back Up Now" icon={Icon.HardDrive} onAction={backupNow} />
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
