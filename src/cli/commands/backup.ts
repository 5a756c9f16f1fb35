import type { BackupBrain } from "../../core/backup-brain.ts";
import type { BackupEvent, BackupReport, VerifyReport } from "../../core/backup/index.ts";
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
    const report = await backups(ctx).restore(ctx.args[0]!, to, { force: ctx.flags.force === true });
    ctx.print(report, () =>
      [
        `restored ${report.file}`,
        `      to ${report.restored_to}${report.replaced ? " (replaced the database that was there)" : ""}`,
        `taken at ${report.manifest.created_at}, schema ${report.manifest.schema_version}`,
        `proven whole: integrity check ok, ${countsLine(report.counts)}`,
        keywordIndexLine(report),
        ...renamedLine(report),
      ].join("\n"),
    );
  },
};

/** What the keyword index was found to be against the backup's text. */
function keywordIndexLine(report: VerifyReport): string {
  if (report.keyword_index === "matches") return "keyword index: matches the text";
  if (report.keyword_index === "rebuilt") return "keyword index: did not match the text, rebuilt from it";
  return "keyword index: does not match the text (the text is whole; a restore rebuilds the index)";
}

/** A warning when a backup's name carries another time than its authenticated manifest. */
function renamedLine(report: VerifyReport): string[] {
  if (!report.name_disagrees) return [];
  return [
    `warning: the file name says ${report.name_time}, but the backup was taken at ${report.manifest.created_at}: it was renamed.`,
  ];
}

/** The Brain's backups: the database is not opened for them (a restore may not even have one). */
function backups(ctx: CliContext): BackupBrain {
  return ctx.brain({ open: "on first use" }).backup;
}

/**
 * `brain backup`: one JSON line per event when stdout is not a terminal (launchd, systemd). When
 * stopped by a signal meanwhile, the run takes its plaintext snapshot and lock along (see
 * withBackupLock) and exits 130 or 143.
 */
async function daily(ctx: CliContext): Promise<number> {
  const tty = ctx.io.stderr.isTTY === true && !ctx.json;
  const logLines = !ctx.json && !tty;
  const onEvent = (event: BackupEvent) => {
    if (logLines) jsonLine(ctx.io, { ...event });
    else if (tty) ctx.note(humanEvent(event));
  };
  const report = await backups(ctx).run({ onEvent });
  if (!logLines) ctx.print(report, () => humanReport(report));
  if (report.offsite.status === "failed") {
    const { message, hint } = report.offsite.error;
    ctx.io.stderr.write(`brain: ${message}${hint ? ` ${hint}` : ""}\n`);
    return 1;
  }
  return 0;
}

async function list(ctx: CliContext): Promise<void> {
  const found = await backups(ctx).list();
  ctx.print({ backup_dir: ctx.config.backupDir, offsite_dir: ctx.config.offsiteDir, backups: found }, () => {
    if (found.length === 0)
      return `No backups in ${ctx.config.backupDir} yet. Take one with \`brain backup\`.`;
    const lines = found.map(
      (b) =>
        `${b.created_at}  ${(b.bytes / 1048576).toFixed(1).padStart(7)} MB  key ${b.key_id ?? "unreadable"}` +
        `${b.offsite ? "  offsite" : ""}  ${b.name}` +
        (b.name_disagrees ? `  (renamed: its name says ${b.name_time})` : "") +
        (b.time_from === "name" ? "  (time from its name: no key to read its manifest)" : ""),
    );
    return [`${found.length} backup(s) in ${ctx.config.backupDir}:`, ...lines].join("\n");
  });
}

async function verify(ctx: CliContext, file: string | undefined): Promise<void> {
  const report = await backups(ctx).verify(file);
  ctx.print({ ok: true, ...report }, () =>
    [
      `ok: ${report.file}`,
      `taken at ${report.manifest.created_at} from ${report.manifest.source_path}`,
      `every chunk authenticated (key ${report.key_id}), integrity check ok,`,
      `${countsLine(report.counts)}`,
      keywordIndexLine(report),
      ...renamedLine(report),
    ].join("\n"),
  );
}

/** Prints the key on stdout, the warning on stderr, so `> file` captures only the key. */
async function exportKey(ctx: CliContext): Promise<void> {
  const loaded = await backups(ctx).exportKey();
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
  const text = await readSecret(
    ctx.io,
    "Paste the backup key `brain backup export-key` printed, and press Enter: ",
    "a backup key",
  );
  const { keyId, outcome, replacedKeyId, storedIn } = await backups(ctx).importKey(text, {
    force: ctx.flags.force === true,
  });
  const old = replacedKeyId ? ` (key id ${replacedKeyId})` : "";
  const human = {
    stored: `Stored backup key ${keyId} in the ${storedIn}. Backups made with it now verify and restore here (\`brain backup list\` shows each backup's key id).`,
    unchanged: `The ${storedIn} already holds backup key ${keyId}; nothing changed.`,
    replaced:
      `Replaced the backup key${old} in the ${storedIn} with key ${keyId}; new backups use it. ` +
      `Backups made with the old key${old} now open only with that old key: keep it as long as you keep them.`,
  }[outcome];
  ctx.print(
    {
      key_id: keyId,
      outcome,
      stored_in: storedIn,
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
