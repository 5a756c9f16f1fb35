import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/cli.ts";
import { tempDir } from "./support/tmp.ts";

const PACKAGES = "dbus dbus-x11 gnome-keyring libsecret-tools";
const MISSING = "brain-test-tool";
const isRoot = process.getuid?.() === 0;

/**
 * A folder of stand-ins put first on PATH: `apt-get` writes each call to a log and "installs"
 * the missing tool; `sudo` logs its call and runs the rest, or refuses like a sudo that wants
 * a password.
 */
function standIns(sudo: "works" | "refuses"): { bin: string; log: string; script: string } {
  const dir = tempDir("brain-test-packages-");
  const bin = path.join(dir, "bin");
  const log = path.join(dir, "calls.log");
  fs.mkdirSync(bin);
  // A copy of the script and its package list, readable by nobody (the checkout may not be).
  fs.chmodSync(dir, 0o755);
  for (const file of ["scripts/test-packages.sh", ".ci/apt-packages.txt"]) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  const script = (name: string, body: string) =>
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  script(
    "apt-get",
    `echo "apt-get $* ($DEBIAN_FRONTEND)" >> "${log}"
[ "$1" = install ] && printf '#!/bin/sh\\n' > "${bin}/${MISSING}" && chmod +x "${bin}/${MISSING}"
exit 0`,
  );
  script("sudo", sudo === "works" ? `echo "sudo $*" >> "${log}"\nshift\nexec "$@"` : "exit 1");
  return { bin, log, script: path.join(dir, "scripts", "test-packages.sh") };
}

function runScript(
  { bin, script }: { bin: string; script: string },
  env: Record<string, string> = {},
  asNobody = false,
) {
  const vars = { TEST_TOOLS: `sh ${MISSING}`, TEST_PACKAGES_SUDO: path.join(bin, "sudo"), ...env };
  const command = [...Object.entries(vars).map(([k, v]) => `${k}=${v}`), "bash", script];
  const drop = asNobody ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
  const [file, ...args] = [...drop, "env", `PATH=${bin}:${process.env.PATH}`, ...command];
  return spawnSync(file!, args, { encoding: "utf8" });
}

describe.runIf(process.platform === "linux")("scripts/test-packages.sh", () => {
  it("does nothing when every tool is there", () => {
    const setup = standIns("works");
    const run = runScript(setup, { TEST_TOOLS: "sh bash" });
    expect([run.status, run.stdout, run.stderr]).toEqual([0, "", ""]);
    expect(fs.existsSync(setup.log)).toBe(false);
  });

  it("installs the Debian packages when a tool is missing, as root or through sudo", () => {
    const setup = standIns("works");
    const run = runScript(setup);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe(`test-packages: ${MISSING} not installed: installing ${PACKAGES}\n`);
    const apt = [
      "apt-get update -qq (noninteractive)",
      `apt-get install -y -qq --no-install-recommends ${PACKAGES} (noninteractive)`,
    ];
    const sudo = (line: string) => `sudo -n env DEBIAN_FRONTEND=noninteractive ${line.split(" (")[0]}`;
    const expected = isRoot ? apt : ["sudo -n true", sudo(apt[0]!), apt[0], sudo(apt[1]!), apt[1]];
    expect(fs.readFileSync(setup.log, "utf8").trim().split("\n")).toEqual(expected);
  });

  it("prints the commands instead of running them in a dry run", () => {
    const setup = standIns("works");
    const run = runScript(setup, { TEST_PACKAGES_DRY_RUN: "1" });
    const as = isRoot ? "" : `${path.join(setup.bin, "sudo")} -n `;
    expect(run.stdout).toBe(
      `${as}env DEBIAN_FRONTEND=noninteractive apt-get update -qq\n` +
        `${as}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${PACKAGES}\n`,
    );
    expect(fs.existsSync(setup.log)).toBe(!isRoot); // only `sudo -n true` ran
  });

  it("stops at once with the one command to run when it cannot become root", () => {
    const setup = standIns("refuses");
    // Not root: as nobody when the tests run as root, else with a sudo that wants a password.
    const run = runScript(setup, {}, isRoot);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `test-packages: ${MISSING} not installed, and installing needs root. ` +
        `Run: sudo apt-get install -y ${PACKAGES}\n`,
    );
    expect(fs.existsSync(setup.log)).toBe(false);
  });
});
