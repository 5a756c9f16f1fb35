import { showToast, Toast } from "@raycast/api";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { BrainConfig } from "../core/base/index.ts";
import { readJob, startJob, type JobControl, type JobProgress, type JobName } from "../core/jobs/index.ts";
import { raycastConfig } from "../helpers/brain.ts";
import { showFailure } from "../helpers/feedback.ts";
import { readStatus, type StatusSnapshot } from "../helpers/status.ts";

export interface BrainStatusOptions {
  /** Where the launchd jobs are and how `launchctl` is run. */
  jobs: (config: BrainConfig) => JobControl;
  /** Launched by Raycast's timer: nothing in iCloud Drive is listed. */
  background: boolean;
  /** How often a started job is looked at, and for how long at most. */
  pollMs?: number;
  followMs?: number;
}

export interface BrainStatusState {
  config: BrainConfig;
  /** Null until the first read. */
  snapshot: StatusSnapshot | null;
  /** True while reading or while a job started from the menu runs. */
  isLoading: boolean;
  /** The job started from the menu while it runs, with its log's last line. */
  following: JobProgress | null;
  embedNow(): Promise<void>;
  backupNow(): Promise<void>;
}

/**
 * The menu bar's state: the status snapshot, read on open, and Embed Now / Back Up Now, which
 * start the installed launchd job (`launchctl kickstart`) and follow it through its state and
 * log until it ends, so the menu shows its progress and a toast how it ended.
 *
 * @example
 * const { snapshot, embedNow, backupNow } = useBrainStatus({ jobs: launchdJobs, background: false });
 */
export function useBrainStatus(options: BrainStatusOptions): BrainStatusState {
  const config = useMemo(() => raycastConfig(), []);
  const control = useMemo(() => options.jobs(config), [config]);
  const [snapshot, setSnapshot] = useState<StatusSnapshot | null>(null);
  const [following, setFollowing] = useState<JobProgress | null>(null);
  const live = useRef(true);
  const reload = useCallback(async () => {
    const next = await readStatus(config, new Date(), { jobs: control, background: options.background });
    if (live.current) setSnapshot(next);
  }, [config, control]);
  useEffect(() => {
    void reload();
    return () => {
      live.current = false;
    };
  }, [reload]);

  const run = async (name: JobName) => {
    try {
      const started = await startJob(control, name);
      setFollowing(started);
      await showToast({ style: Toast.Style.Animated, title: `${JOB_TITLES[name]} started` });
      const ended = await follow(control, name, started, options, (job) => live.current && setFollowing(job));
      await showToast(endToast(name, ended));
    } catch (err) {
      await showFailure(`${JOB_TITLES[name]} did not start`, err, () => void run(name));
    } finally {
      if (live.current) setFollowing(null);
      await reload();
    }
  };
  return {
    config,
    snapshot,
    isLoading: snapshot === null || following !== null,
    following,
    embedNow: () => run("embed"),
    backupNow: () => run("backup"),
  };
}

const JOB_TITLES: Record<JobName, string> = { embed: "Embedding", backup: "Backup" };

/** Reads the job until launchd says it is no longer running (or `followMs` passes). */
async function follow(
  control: JobControl,
  name: JobName,
  started: JobProgress,
  options: BrainStatusOptions,
  update: (job: JobProgress) => void,
): Promise<JobProgress> {
  const deadline = Date.now() + (options.followMs ?? 120_000);
  let job = started;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
    job = await readJob(control, name);
    update(job);
    if (!job.running && job.log.modifiedAt !== started.log.modifiedAt) return job;
  }
  return job;
}

/** How a job started from the menu ended, from its exit code and its log's last line. */
export function endToast(name: JobName, job: JobProgress): Toast.Options {
  if (job.running) {
    return {
      style: Toast.Style.Success,
      title: `${JOB_TITLES[name]} still running`,
      message: job.activity ?? "",
    };
  }
  if (job.lastExitCode === 0) {
    return { style: Toast.Style.Success, title: `${JOB_TITLES[name]} finished`, message: job.activity ?? "" };
  }
  return {
    style: Toast.Style.Failure,
    title: `${JOB_TITLES[name]} failed (exit ${job.lastExitCode ?? "?"})`,
    message: `${job.activity ?? "See the log."} Log: ${job.log.path}`,
  };
}
