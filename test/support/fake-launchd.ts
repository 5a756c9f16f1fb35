import fs from "node:fs";
import path from "node:path";
import { LAUNCHD_LABELS, type JobControl } from "../../src/core/jobs/control.ts";
import type { CommandResult, CommandRunner } from "../../src/core/jobs/runner.ts";
import type { JobName } from "../../src/core/jobs/shared.ts";

interface FakeJob {
  loaded: boolean;
  running: boolean;
  lastExit: number | null;
  /** What a kickstarted run writes to its log, and its exit code. */
  run: { lines: string[]; exit: number; prints: number };
  printsLeft: number;
}

/**
 * `launchctl` for the tests, answering through the CommandRunner port as launchd would: `print`
 * says whether a job is loaded and running, `kickstart` starts a run that stays "running" for a
 * few prints, then appends its lines to the job's log and ends with its exit code. `install`
 * writes a plist where `brain jobs install` would, unless one is there.
 *
 * @example
 * const launchd = new FakeLaunchd(home, logDir);
 * launchd.install("backup", { lines: ['{"event":"done"}'], exit: 0 });
 */
export class FakeLaunchd implements CommandRunner {
  readonly calls: string[][] = [];
  private readonly jobs = new Map<string, { name: JobName; job: FakeJob }>();

  readonly home: string;
  readonly logDir: string;
  readonly uid: number;

  /** `home` holds ~/Library/LaunchAgents; the jobs log to `logDir`. */
  constructor(home: string, logDir: string, uid = 501) {
    this.home = home;
    this.logDir = logDir;
    this.uid = uid;
  }

  /** The JobControl the menu bar gets. */
  control(): JobControl {
    return { runner: this, uid: this.uid, home: this.home, logDir: this.logDir };
  }

  install(name: JobName, run: { lines: string[]; exit: number; prints?: number }): void {
    const label = LAUNCHD_LABELS[name];
    const plist = path.join(this.home, "Library", "LaunchAgents", `${label}.plist`);
    fs.mkdirSync(path.dirname(plist), { recursive: true });
    if (!fs.existsSync(plist)) fs.writeFileSync(plist, "<plist/>");
    const job: FakeJob = {
      loaded: true,
      running: false,
      lastExit: null,
      run: { prints: 2, ...run },
      printsLeft: 0,
    };
    this.jobs.set(`gui/${this.uid}/${label}`, { name, job });
  }

  async run(command: string, args: readonly string[]): Promise<CommandResult> {
    this.calls.push([command, ...args]);
    const [verb, target = ""] = args;
    const found = this.jobs.get(target);
    if (command !== "launchctl" || !found?.job.loaded) {
      return { code: 113, stdout: "", stderr: `Could not find service "${target}" in domain` };
    }
    if (verb === "kickstart") {
      found.job.running = true;
      found.job.printsLeft = found.job.run.prints;
      return { code: 0, stdout: "", stderr: "" };
    }
    if (verb === "print") return { code: 0, stdout: this.print(found.name, found.job), stderr: "" };
    return { code: 1, stdout: "", stderr: `launchctl ${verb}: not understood by the fake` };
  }

  private print(name: JobName, job: FakeJob): string {
    if (job.running && job.printsLeft-- <= 0) {
      job.running = false;
      job.lastExit = job.run.exit;
      fs.mkdirSync(this.logDir, { recursive: true });
      fs.appendFileSync(path.join(this.logDir, `${name}.log`), job.run.lines.map((l) => `${l}\n`).join(""));
    }
    const exit = job.lastExit === null ? "(never exited)" : String(job.lastExit);
    return `${LAUNCHD_LABELS[name]} = {\n\tstate = ${job.running ? "running" : "not running"}\n\truns = 1\n\tlast exit code = ${exit}\n}\n`;
  }
}
