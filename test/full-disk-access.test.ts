import fs from "node:fs";
import path from "node:path";
import * as plist from "plist";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatJobsReport } from "../src/cli/commands/jobs.ts";
import { runDoctor } from "../src/core/doctor.ts";
import { installedJobNode } from "../src/core/jobs/access.ts";
import { readJob, startJob } from "../src/core/jobs/control.ts";
import { installJobs, jobsStatus, type JobsOptions, type JobsReport } from "../src/core/jobs/jobs.ts";
import { resolveJobPaths } from "../src/core/jobs/paths.ts";
import { createRecordingRunner } from "../src/core/jobs/runner.ts";
import { deniedLine } from "../src/core/jobs/shared.ts";
import { runBrain } from "./support/cli.ts";
import { FakeLaunchd } from "./support/fake-launchd.ts";
import { FakeOllamaServer } from "./support/fake-ollama.ts";
import { RecordedPermissions } from "./support/recorded-permissions.ts";
import { tempDir, testBrain } from "./support/tmp.ts";

const PANE = "x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles";
const OFFSITE = "/Users/me/Library/Mobile Documents/com~apple~CloudDocs/Local Brain";
const EPERM_LINE = `brain: The offsite folder ${OFFSITE} is not writable (EPERM: operation not permitted, open '${OFFSITE}/.brain-2026-12-03.tmp'). The local backup was kept.`;
/** A backup run whose offsite copy macOS refused, as the job logs it (JSON events, then stderr). */
const REFUSED_RUN = [
  `{"event":"start","db_path":"/Users/me/brain.db","backup_dir":"/Users/me/backups","offsite_dir":"${OFFSITE}"}`,
  '{"event":"sealed","file":"/Users/me/backups/brain-2026-12-03.lbk","bytes":4096,"ms":3}',
  `{"event":"offsite_failed","message":"The offsite folder ${OFFSITE} is not writable (EPERM: operation not permitted, open '${OFFSITE}/.brain-2026-12-03.tmp'). The local backup was kept."}`,
  '{"event":"done","file":"/Users/me/backups/brain-2026-12-03.lbk","total_ms":40}',
  EPERM_LINE,
];
const CLEAN_RUN = [
  `{"event":"start","db_path":"/Users/me/brain.db","backup_dir":"/Users/me/backups","offsite_dir":"${OFFSITE}"}`,
  `{"event":"offsite","file":"${OFFSITE}/brain-2026-12-04.lbk"}`,
  '{"event":"done","file":"/Users/me/backups/brain-2026-12-04.lbk","total_ms":41}',
];

let tmp: string;
let home: string;
let node: string;
let options: JobsOptions;

beforeEach(() => {
  tmp = tempDir("brain-fda-");
  home = path.join(tmp, "home");
  fs.mkdirSync(home);
  // The Node the plists will run: a path of its own, so the report must name exactly this one.
  node = path.join(tmp, "Node 22", "node");
  fs.mkdirSync(path.dirname(node));
  fs.writeFileSync(node, "#!/bin/sh\n", { mode: 0o755 });
  const config = {
    dbPath: path.join(tmp, "brain.db"),
    logDir: path.join(tmp, "logs"),
    ollamaHost: "http://127.0.0.1:9",
    offsiteDir: OFFSITE,
  };
  options = { config, home, uid: 501, env: {}, scheduler: "launchd", nodePath: node };
});

/** Installs the launchd jobs (plists written, launchctl recorded) with the given permission answers. */
async function install(permissions: RecordedPermissions): Promise<JobsReport> {
  return installJobs({ ...options, runner: createRecordingRunner(), permissions });
}

function writeLog(job: "embed" | "backup", lines: string[]): void {
  fs.mkdirSync(options.config.logDir, { recursive: true });
  fs.writeFileSync(path.join(options.config.logDir, `${job}.log`), lines.map((l) => `${l}\n`).join(""));
}

describe("the last run's refused line", () => {
  it("is the last EPERM line after the last start, and only the last line without starts", () => {
    expect(deniedLine(REFUSED_RUN)).toBe(EPERM_LINE);
    expect(deniedLine([...REFUSED_RUN, ...CLEAN_RUN])).toBeNull();
    expect(deniedLine(["brain: EPERM: operation not permitted, scandir '/Users/me/Documents'"])).toBe(
      "brain: EPERM: operation not permitted, scandir '/Users/me/Documents'",
    );
    expect(deniedLine(["brain: operation not permitted", '{"event":"done","embedded":2}'])).toBeNull();
    expect(deniedLine([])).toBeNull();
  });
});

describe("brain jobs install (launchd)", () => {
  it("reports Full Disk Access for the plists' Node when macOS says it is denied", async () => {
    const permissions = new RecordedPermissions({ "full-disk-access": "denied" });
    const report = await install(permissions);
    const backup = plist.parse(
      fs.readFileSync(path.join(home, "Library", "LaunchAgents", "com.local-brain.backup.plist"), "utf8"),
    ) as { ProgramArguments: string[] };
    expect(backup.ProgramArguments[0]).toBe(node);
    expect(permissions.asked).toEqual(["full-disk-access"]);
    expect(report.diskAccess).toEqual({
      node,
      status: "denied",
      denied: null,
      pane: PANE,
      paneName: "System Settings → Privacy & Security → Full Disk Access",
      fix: `Open System Settings → Privacy & Security → Full Disk Access (\`open "${PANE}"\`), click +, press ⌘⇧G, enter ${node}, then turn it on.`,
    });
    const text = formatJobsReport(report).split("\n");
    expect(text.slice(-2)).toEqual([
      `Full Disk Access for ${node} (the Node the background jobs run): not granted (macOS answers "denied"); the offsite copy to iCloud Drive and imports from ~/Documents need it.`,
      `Fix: ${report.diskAccess?.fix}`,
    ]);
  });

  it("reports it when macOS cannot be asked, and says nothing when it is granted", async () => {
    const unknown = await install(new RecordedPermissions({ "full-disk-access": "unknown" }));
    expect(unknown.diskAccess).toMatchObject({ node, status: "unknown", denied: null });
    expect(formatJobsReport(unknown)).toContain(
      `Full Disk Access for ${node} (the Node the background jobs run): unknown, macOS could not be asked here;`,
    );
    const granted = new RecordedPermissions({ "full-disk-access": "authorized" });
    const report = await install(granted);
    expect(granted.asked).toEqual(["full-disk-access"]);
    expect(report.diskAccess).toBeNull();
    expect(formatJobsReport(report)).not.toContain("Full Disk Access");
  });

  it("does not ask on systemd", async () => {
    const permissions = new RecordedPermissions({ "full-disk-access": "denied" });
    const report = await installJobs({
      ...options,
      scheduler: "systemd",
      runner: createRecordingRunner(),
      permissions,
    });
    expect([report.diskAccess, permissions.asked]).toEqual([null, []]);
  });
});

describe("brain jobs status (launchd)", () => {
  it("names EPERM in the backup's last run as the cause, with the plists' Node and the fix", async () => {
    await install(new RecordedPermissions({ "full-disk-access": "authorized" }));
    const launchd = new FakeLaunchd(home, options.config.logDir);
    launchd.install("backup", { lines: REFUSED_RUN, exit: 1, prints: 0 });
    await startJob(launchd.control(), "backup");
    expect((await readJob(launchd.control(), "backup")).lastExitCode).toBe(1);
    // Asked later with another --node: the report still names the binary the installed plists run.
    const permissions = new RecordedPermissions({ "full-disk-access": "denied" });
    const report = await jobsStatus({ ...options, nodePath: process.execPath, runner: launchd, permissions });
    expect(report.jobs.find((j) => j.name === "backup")?.log.denied).toBe(EPERM_LINE);
    expect(report.diskAccess).toMatchObject({
      node,
      status: "denied",
      denied: { job: "backup", line: EPERM_LINE },
      fix: expect.stringContaining(`enter ${node}, then`),
    });
    const text = formatJobsReport(report);
    expect(text).toContain(
      `The backup job's last run was refused by macOS (EPERM): ${EPERM_LINE}\nCause: launchd runs the jobs in the background, where macOS cannot ask for Full Disk Access.\nFull Disk Access for ${node} (the Node the background jobs run): not granted (macOS answers "denied");`,
    );
    expect(text).toContain(
      `Fix: Open System Settings → Privacy & Security → Full Disk Access (\`open "${PANE}"\`)`,
    );
  });

  it("says nothing once the next run is clean", async () => {
    await install(new RecordedPermissions({}));
    writeLog("backup", [...REFUSED_RUN, ...CLEAN_RUN]);
    const permissions = new RecordedPermissions({ "full-disk-access": "denied" });
    const report = await jobsStatus({ ...options, runner: createRecordingRunner(), permissions });
    expect([report.diskAccess, permissions.asked]).toEqual([null, []]);
    expect(formatJobsReport(report)).not.toContain("EPERM");
  });
});

describe("brain doctor: full disk access", () => {
  let ollama: FakeOllamaServer;
  beforeEach(async () => {
    ollama = await FakeOllamaServer.start();
  });
  afterEach(async () => {
    await ollama.close();
  });

  async function doctorCheck(
    answer: "authorized" | "denied" | "unknown",
    platform: NodeJS.Platform = "darwin",
  ) {
    const brain = testBrain({}, { ollamaHost: ollama.url, logDir: options.config.logDir });
    const permissions = new RecordedPermissions({ "full-disk-access": answer });
    const checks = await runDoctor(brain, { platform, permissions, home });
    return {
      check: checks.find((c) => c.name === "full disk access"),
      names: checks.map((c) => c.name),
      permissions,
    };
  }

  it("is ok when granted, naming the Node the installed plists run", async () => {
    await install(new RecordedPermissions({}));
    const { check, names } = await doctorCheck("authorized");
    expect(names.at(-1)).toBe("full disk access");
    expect(check).toEqual({
      name: "full disk access",
      status: "ok",
      detail: `${node} (the Node the background jobs run): granted; the offsite copy to iCloud Drive and imports from ~/Documents need it`,
    });
  });

  it("warns with the pane and the binary when denied or unknown", async () => {
    await install(new RecordedPermissions({}));
    const denied = (await doctorCheck("denied")).check;
    expect(denied).toMatchObject({
      status: "warn",
      detail: `${node} (the Node the background jobs run): not granted (macOS answers "denied"); the offsite copy to iCloud Drive and imports from ~/Documents need it`,
      fix: `Open System Settings → Privacy & Security → Full Disk Access (\`open "${PANE}"\`), click +, press ⌘⇧G, enter ${node}, then turn it on.`,
    });
    const unknown = (await doctorCheck("unknown")).check;
    expect(unknown?.status).toBe("warn");
    expect(unknown?.detail).toBe(
      `${node} (the Node the background jobs run): unknown, macOS could not be asked here; the offsite copy to iCloud Drive and imports from ~/Documents need it`,
    );
    expect(unknown?.fix).toBe(denied?.fix);
  });

  it("fails when a job's last run was refused, whatever macOS answers", async () => {
    await install(new RecordedPermissions({}));
    writeLog("backup", REFUSED_RUN);
    const { check } = await doctorCheck("authorized");
    expect(check).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^the backup job's last run was refused \(EPERM\); .*node \(the Node/),
      fix: expect.stringContaining(`enter ${node}, then turn it on.`),
    });
  });

  it("names the Node `brain jobs install` would use when no job is installed", async () => {
    expect(installedJobNode(home)).toBeNull();
    const { check } = await doctorCheck("denied");
    const wouldRun = resolveJobPaths({ config: options.config, platform: "darwin" }).node;
    expect(check?.detail.startsWith(`${wouldRun} (the Node the background jobs run)`)).toBe(true);
  });

  it("is absent on Linux, where the port is not asked", async () => {
    const { check, permissions } = await doctorCheck("denied", "linux");
    expect([check, permissions.asked]).toEqual([undefined, []]);
  });
});

describe("the brain command", () => {
  it("prints the Full Disk Access fix after a launchd install, naming --node", async () => {
    const env = { HOME: home, BRAIN_LOG_DIR: options.config.logDir };
    const args = ["jobs", "install", "--dry-run", "--scheduler", "launchd", "--node", node];
    const human = await runBrain(args, { db: options.config.dbPath, env });
    expect([human.code, human.stderr]).toEqual([0, ""]);
    expect(human.stdout.trimEnd().split("\n").slice(-2)).toEqual([
      `Full Disk Access for ${node} (the Node the background jobs run): unknown, macOS could not be asked here; the offsite copy to iCloud Drive and imports from ~/Documents need it.`,
      `Fix: Open System Settings → Privacy & Security → Full Disk Access (\`open "${PANE}"\`), click +, press ⌘⇧G, enter ${node}, then turn it on.`,
    ]);
    const systemd = await runBrain(["jobs", "install", "--dry-run", "--scheduler", "systemd", "--json"], {
      db: options.config.dbPath,
      env,
    });
    expect((JSON.parse(systemd.stdout) as JobsReport).diskAccess).toBeNull();
  });

  it("names EPERM in `jobs status` and leaves Full Disk Access out of `doctor` on Linux", async () => {
    await install(new RecordedPermissions({}));
    writeLog("backup", REFUSED_RUN);
    const env = { HOME: home, BRAIN_LOG_DIR: options.config.logDir };
    const status = await runBrain(["jobs", "status", "--scheduler", "launchd", "--json"], {
      db: options.config.dbPath,
      env,
    });
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout) as JobsReport;
    expect(report.diskAccess).toMatchObject({
      node,
      status: "unknown",
      denied: { job: "backup", line: EPERM_LINE },
    });
    const doctor = await runBrain(["doctor", "--json"], { db: options.config.dbPath, env });
    const names = (JSON.parse(doctor.stdout) as { name: string }[]).map((c) => c.name);
    expect(names).toContain("database");
    expect(names).not.toContain("full disk access");
  });
});
