import { detectSecretStore } from "../../core/adapters/index.ts";
import {
  runBackup,
  type BackupEvent,
  type BackupReport,
  listBackups,
  abandonWorkDir,
  acquireBackupLock,
  cleanStaleFiles,
  ensurePrivateDir,
  listBackupFiles,
  workDirFor,
  importBackupKey,
  loadBackupKey,
  type ImportedKey,
  byManifestTime,
  restoreBackup,
  verifyBackup,
  type VerifyReport,
} from "../../core/backup/index.ts";
import { BrainError } from "../../core/base/index.ts";
import { stringFlag, type CliCommand, type CliContext } from "../command.ts";
import { readSecret } from "../io.ts";
import { jsonLine } from "../progress.ts";

const ACTIONS = ["list", "verify", "export-key", "import-key"] as const;

export const backup: CliCommand = {
  name: "backup",
  summary: "Take an encrypted, verified backup now (the daily job); list, verify, export or import the key",
  usage:
    "backup | backup list | backup verify [FILE] | backup export-key | backup import-key [--force] (key on stdin)",
  options: { force: { type: "boolean" } },
  args: { min: 0, max: 2 },
  async run(ctx) {
    const [action, file] = ctx.args;
    if (ctx.flags.force !== undefined && action !== "import-key") {
      throw new BrainError("bad_input", "--force only goes with `brain backup import-key`.", {
        hint: `Usage: brain ${backup.usage}`,
      });
    }
    if (action === undefined) return daily(ctx);
    if (
      !ACTIONS.includes(action as (typeof ACTIONS)[number]) ||
      (file !== undefined && action !== "verify")
    ) {
      throw new BrainError("bad_input", `\`brain backup ${ctx.args.join(" ")}\` is not a backup command.`, {
        hint: `Usage: brain ${backup.usage}`,
      });
    }
    if (action === "list") return list(ctx);
    if (action === "verify") return verify(ctx, file);
    if (action === "import-key") return importKey(ctx);
    return exportKey(ctx);
  },
};

export const restore: CliCommand = {
  name: "restore",
  summary: "Restore a backup to a new database file, proven whole before it is put in place",
  usage: "restore FILE --to PATH [--force]",
  options: { to: { type: "string" }, force: { type: "boolean" } },
  args: { min: 1, max: 1 },
  async run(ctx) {
    const to = stringFlag(ctx.flags, "to");
    if (!to) {
      throw new BrainError(
        "bad_input",
        "`brain restore` needs --to PATH: where to put the restored database.",
        {
          hint: "For example `brain restore FILE --to ~/restored-brain.db`.",
        },
      );
    }
    const { key } = await loadBackupKey(detectSecretStore(process.platform), { create: false });
    const report = await restoreBackup(ctx.args[0]!, to, {
      key,
      force: ctx.flags.force === true,
      native: ctx.config.native,
    });
    ctx.print(report, () =>
      [
        `restored ${report.file}`,
        `      to ${report.restored_to}${report.replaced ? " (replaced the database that was there)" : ""}`,
        `taken at ${report.manifest.created_at}, schema ${report.manifest.schema_version}`,
        `proven whole: integrity check ok, keyword index ok, ${countsLine(report.counts)}`,
        ...renamedLine(report),
      ].join("\n"),
    );
  },
};

/** A warning when a backup's name carries another time than its authenticated manifest. */
function renamedLine(report: VerifyReport): string[] {
  if (!report.name_disagrees) return [];
  return [
    `warning: the file name says ${report.name_time}, but the backup was taken at ${report.manifest.created_at}: it was renamed.`,
  ];
}

/** The backup key when the secret store has one, else null: listing works without it. */
async function keyIfStored(): Promise<Uint8Array | null> {
  try {
    return (await loadBackupKey(detectSecretStore(process.platform), { create: false })).key;
  } catch {
    return null;
  }
}

/** `brain backup`: one JSON line per event when stdout is not a terminal (launchd, systemd). */
async function daily(ctx: CliContext): Promise<number> {
  const tty = ctx.io.stderr.isTTY === true && !ctx.json;
  const logLines = !ctx.json && !tty;
  let holdsLock = false;
  const onEvent = (event: BackupEvent) => {
    if (event.event === "start") holdsLock = true;
    if (logLines) jsonLine(ctx.io, { ...event });
    else if (tty) ctx.note(humanEvent(event));
  };
  // Stopped by launchd at shutdown or by Ctrl-C: take the plaintext snapshot along.
  const stop = (signal: NodeJS.Signals) => {
    if (holdsLock) abandonWorkDir(workDirFor(ctx.config.dbPath));
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.on("SIGINT", stop); // `on`, not `once`: a second signal must not fall to the default
  process.on("SIGTERM", stop);
  let report: BackupReport;
  try {
    report = await runBackup(ctx.config, { secrets: detectSecretStore(process.platform), onEvent });
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
  if (!logLines) ctx.print(report, () => humanReport(report));
  if (report.offsite.status === "failed") {
    const { message, hint } = report.offsite.error;
    ctx.io.stderr.write(`brain: ${message}${hint ? ` ${hint}` : ""}\n`);
    return 1;
  }
  return 0;
}

async function list(ctx: CliContext): Promise<void> {
  const backups = await listBackups(ctx.config, await keyIfStored());
  ctx.print({ backup_dir: ctx.config.backupDir, offsite_dir: ctx.config.offsiteDir, backups }, () => {
    if (backups.length === 0)
      return `No backups in ${ctx.config.backupDir} yet. Take one with \`brain backup\`.`;
    const lines = backups.map(
      (b) =>
        `${b.created_at}  ${(b.bytes / 1048576).toFixed(1).padStart(7)} MB  key ${b.key_id ?? "unreadable"}` +
        `${b.offsite ? "  offsite" : ""}  ${b.name}` +
        (b.name_disagrees ? `  (renamed: its name says ${b.name_time})` : "") +
        (b.time_from === "name" ? "  (time from its name: no key to read its manifest)" : ""),
    );
    return [`${backups.length} backup(s) in ${ctx.config.backupDir}:`, ...lines].join("\n");
  });
}

async function verify(ctx: CliContext, file: string | undefined): Promise<void> {
  const { key } = await loadBackupKey(detectSecretStore(process.platform), { create: false });
  // The newest by the authenticated manifests, not by names, which anyone can change.
  const target = file ?? (await byManifestTime(listBackupFiles(ctx.config.backupDir), key))[0]?.path;
  if (!target) {
    throw new BrainError("not_found", `There are no backups in ${ctx.config.backupDir} to verify.`, {
      hint: "Take one with `brain backup`, or pass a backup file: `brain backup verify FILE`.",
    });
  }
  const workDir = workDirFor(ctx.config.dbPath);
  ensurePrivateDir(workDir);
  const release = acquireBackupLock(workDir);
  let report: VerifyReport;
  try {
    cleanStaleFiles(workDir, { all: true }); // plaintext a killed run left; the lock is ours
    report = await verifyBackup(target, { key, workDir, native: ctx.config.native });
  } finally {
    release();
  }
  ctx.print({ ok: true, ...report }, () =>
    [
      `ok: ${report.file}`,
      `taken at ${report.manifest.created_at} from ${report.manifest.source_path}`,
      `every chunk authenticated (key ${report.key_id}), integrity check ok, keyword index ok,`,
      `${countsLine(report.counts)}`,
      ...renamedLine(report),
    ].join("\n"),
  );
}

/** Prints the key on stdout, the warning on stderr, so `> file` captures only the key. */
async function exportKey(ctx: CliContext): Promise<void> {
  const secrets = detectSecretStore(process.platform);
  const workDir = workDirFor(ctx.config.dbPath);
  ensurePrivateDir(workDir);
  const release = acquireBackupLock(workDir);
  let loaded;
  try {
    loaded = await loadBackupKey(secrets, { create: true });
  } finally {
    release();
  }
  const warning =
    `This is the key to every Local Brain backup (key id ${loaded.keyId}). Without it the backups cannot be ` +
    `opened, by you or anyone: losing it loses the backups. Keep it somewhere safe and offline (a password ` +
    `manager, or on paper); never put it next to the backups.`;
  const key = loaded.key.toString("base64");
  if (ctx.json) ctx.print({ key, key_id: loaded.keyId, created: loaded.created, warning }, "");
  else {
    ctx.io.stderr.write(`${loaded.created ? "Created a new backup key. " : ""}${warning}\n`);
    ctx.io.stdout.write(`${key}\n`);
  }
}

/**
 * `brain backup import-key`: the kept key, read from stdin (never an argument or the environment),
 * stored in the secret store so this machine opens the backups made with it. The key is never
 * printed, only its id.
 */
async function importKey(ctx: CliContext): Promise<void> {
  const secrets = detectSecretStore(process.platform);
  const text = await readSecret(
    ctx.io,
    "Paste the backup key `brain backup export-key` printed, and press Enter: ",
    "a backup key",
  );
  const workDir = workDirFor(ctx.config.dbPath);
  ensurePrivateDir(workDir);
  const release = acquireBackupLock(workDir); // not while a backup reads the key
  let imported: ImportedKey;
  try {
    imported = await importBackupKey(secrets, text, { force: ctx.flags.force === true });
  } finally {
    release();
  }
  const { keyId, outcome, replacedKeyId } = imported;
  const old = replacedKeyId ? ` (key id ${replacedKeyId})` : "";
  const human = {
    stored: `Stored backup key ${keyId} in the ${secrets.name}. Backups made with it now verify and restore here (\`brain backup list\` shows each backup's key id).`,
    unchanged: `The ${secrets.name} already holds backup key ${keyId}; nothing changed.`,
    replaced:
      `Replaced the backup key${old} in the ${secrets.name} with key ${keyId}; new backups use it. ` +
      `Backups made with the old key${old} now open only with that old key: keep it as long as you keep them.`,
  }[outcome];
  ctx.print(
    {
      key_id: keyId,
      outcome,
      stored_in: secrets.name,
      ...(replacedKeyId ? { replaced_key_id: replacedKeyId } : {}),
    },
    human,
  );
}

function countsLine(counts: Record<string, number>): string {
  const entries = counts.entries ?? 0;
  return `${entries} entries, ${Object.keys(counts).length} tables with the counts the manifest records`;
}

function humanEvent(event: BackupEvent): string {
  switch (event.event) {
    case "snapshot":
      return `snapshot: ${event.counts.entries ?? 0} entries, ${(event.bytes / 1048576).toFixed(1)} MB in ${event.ms.toFixed(0)} ms`;
    case "checked":
      return `checked: integrity, keyword index and row counts in ${event.ms.toFixed(0)} ms`;
    case "sealed":
      return `encrypted and read back: ${event.file}`;
    case "offsite":
      return `copied offsite: ${event.file}`;
    case "offsite_failed":
      return `offsite copy failed: ${event.message}`;
    case "pruned":
      return event.held
        ? `${event.where}: nothing pruned, a backup is dated in the future (${event.held.files.join(", ")}); is the clock right?`
        : `${event.where}: ${event.kept} kept, ${event.removed.length} pruned`;
    case "key_created":
      return `created the backup key (id ${event.key_id}); save a copy with \`brain backup export-key\``;
    default:
      return `${event.event}`;
  }
}

function humanReport(report: BackupReport): string {
  return [
    `backup: ${report.file} (${(report.bytes / 1048576).toFixed(1)} MB, key ${report.key_id})`,
    `        ${report.counts.entries ?? 0} entries, verified, in ${(report.timings.total_ms / 1000).toFixed(1)} s`,
    `offsite: ${report.offsite.status === "copied" ? report.offsite.file : report.offsite.status}`,
  ].join("\n");
}
