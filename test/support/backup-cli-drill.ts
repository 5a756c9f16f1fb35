// The backup commands end to end through the real `brain` CLI, run by test/backup-cli.test.ts
// inside scripts/with-secret-service.sh (a private D-Bus session with gnome-keyring), so the key
// really goes through the Secret Service. While the commands run, every process's command line
// and environment is sampled from /proc, for the test to search for the key.
// `node backup-cli-drill.ts ROOT` prints one JSON document with every run's output.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createBrain } from "../../src/core/brain.ts";
import { resolveConfig } from "../../src/core/base/config.ts";
import { BRAIN_BIN, cleanEnv, runBrain, type CliRun } from "./cli.ts";

const root = process.argv[2]!;
const db = path.join(root, "data", "brain.db");
const env = {
  BRAIN_BACKUP_DIR: path.join(root, "backups"),
  BRAIN_OFFSITE_DIR: path.join(root, "icloud", "Local Brain"),
  BRAIN_LOG_DIR: path.join(root, "logs"),
};
fs.mkdirSync(path.join(root, "icloud"), { recursive: true });

const brain = createBrain(resolveConfig({ dbPath: db }, {}));
brain.entries.captureMany(
  Array.from({ length: 300 }, (_, i) => ({ text: `drill note ${i} about postgres` })),
);
brain.entries.capture({ text: "The spare key to the boathouse is under the blue flowerpot", kind: "fact" });
brain.close();

/** Every distinct command line and environment seen in /proc while the commands ran. */
const seen = new Set<string>();
function sample(): void {
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    for (const what of ["cmdline", "environ"]) {
      try {
        seen.add(fs.readFileSync(`/proc/${pid}/${what}`).toString("utf8"));
      } catch {
        // The process ended between listing and reading.
      }
    }
  }
}
const sampler = setInterval(sample, 2);

const runs: Record<string, CliRun> = {};
const brainRun = async (name: string, args: string[], extra: Record<string, string> = {}, input?: string) => {
  runs[name] = await runBrain(args, { db, env: { ...env, ...extra }, input });
  return runs[name];
};

await brainRun("backup", ["backup"]);
await brainRun("list", ["backup", "list", "--json"]);
const file = (JSON.parse(runs.list!.stdout) as { backups: { path: string }[] }).backups[0]!.path;
await brainRun("verify", ["backup", "verify", "--json"]);
await brainRun("verifyFile", ["backup", "verify", file]);
const restored = path.join(root, "restored", "brain.db");
await brainRun("restore", ["restore", file, "--to", restored, "--json"]);
await brainRun("restoreAgain", ["restore", file, "--to", restored]);
await brainRun("search", ["search", "boathouse", "--mode", "keyword", "--json", "--db", restored]);
const tampered = path.join(root, "tampered.lbb");
const bytes = fs.readFileSync(file);
bytes[bytes.length - 40]! ^= 0x10;
fs.writeFileSync(tampered, bytes);
await brainRun("verifyTampered", ["backup", "verify", tampered]);
await brainRun("restoreTampered", [
  "restore",
  tampered,
  "--to",
  path.join(root, "from-tampered", "brain.db"),
]);
const blocker = path.join(root, "not-a-folder");
fs.writeFileSync(blocker, "");
await brainRun("offsiteFails", ["backup"], { BRAIN_OFFSITE_DIR: path.join(blocker, "Local Brain") });
await interruptedBackup();
await brainRun("exportKey", ["backup", "export-key"]);
await importKeyRuns(runs.exportKey!.stdout);
clearInterval(sampler);
sample();

/**
 * A new machine: the key is gone from the keyring, the exported key goes back in through
 * `brain backup import-key` on stdin, and the backup opens again. Then the refusals: a different
 * key without --force, and input that is not a key. Ends with the exported key in the keyring.
 */
async function importKeyRuns(exported: string): Promise<void> {
  const restoredAgain = path.join(root, "restored-after-import", "brain.db");
  // The newest backup: retention has pruned the first one of the day by now.
  const list = await runBrain(["backup", "list", "--json"], { db, env });
  const newest = (JSON.parse(list.stdout) as { backups: { path: string }[] }).backups[0]!.path;
  const other = `${randomBytes(32).toString("base64")}\n`;
  execFileSync("secret-tool", ["clear", "service", "local-brain", "account", "backup-key"]);
  await brainRun("verifyWithoutKey", ["backup", "verify", newest]);
  await brainRun("importKey", ["backup", "import-key", "--json"], {}, exported);
  await brainRun("verifyAfterImport", ["backup", "verify", newest, "--json"]);
  await brainRun("restoreAfterImport", ["restore", newest, "--to", restoredAgain, "--json"]);
  await brainRun("importSame", ["backup", "import-key"], {}, exported);
  await brainRun("importOther", ["backup", "import-key"], {}, other);
  await brainRun("importBad", ["backup", "import-key"], {}, "this is not a key\n");
  await brainRun("importForced", ["backup", "import-key", "--force"], {}, other);
  await brainRun("verifyOtherKey", ["backup", "verify", newest]);
  await brainRun("importBack", ["backup", "import-key", "--force"], {}, exported);
}

/** `brain backup` on a bigger database, sent SIGTERM once its snapshot is taken. */
async function interruptedBackup(): Promise<void> {
  const bigDb = path.join(root, "big", "brain.db");
  const big = createBrain(resolveConfig({ dbPath: bigDb }, {}));
  const texts = Array.from({ length: 30_000 }, (_, i) => ({
    text: `big note ${i} ${"postgres ".repeat(i % 30)}`,
  }));
  big.entries.captureMany(texts);
  big.close();
  const child = spawn(process.execPath, [BRAIN_BIN, "backup"], {
    env: { ...cleanEnv(), ...env, BRAIN_DB: bigDb, BRAIN_BACKUP_DIR: path.join(root, "big", "backups") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let stopped = false;
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    if (!stopped && stdout.includes('"event":"snapshot"')) stopped = child.kill("SIGTERM");
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("close", (c, s) => resolve([c, s])),
  );
  runs.interrupted = { code, signal, stdout, stderr };
}

// What the keyring itself holds, asked through another client of the same Secret Service.
const inKeyring = execFileSync("secret-tool", ["lookup", "service", "local-brain", "account", "backup-key"], {
  encoding: "utf8",
});
process.stdout.write(`${JSON.stringify({ runs, inKeyring, samples: [...seen], restored, file })}\n`);
