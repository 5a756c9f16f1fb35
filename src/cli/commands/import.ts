import type { ImportReport } from "../../core/import/index.ts";
import { intFlag, type CliCommand } from "../command.ts";
import { progressBar } from "../progress.ts";

export const importCommand: CliCommand = {
  name: "import",
  summary: "Import notes: folders of .md/.txt files, an Obsidian vault, or .jsonl files",
  usage: "import PATH... [--batch N] [--keep-missing]",
  options: { batch: { type: "string" }, "keep-missing": { type: "boolean" } },
  args: { min: 1, max: Infinity },
  async run(ctx) {
    const bar = ctx.io.stderr.isTTY === true && !ctx.json ? progressBar(ctx.io, "importing") : null;
    const report = await ctx.brain().import(ctx.args, {
      batchSize: intFlag(ctx.flags, "batch"),
      keepMissing: ctx.flags["keep-missing"] === true,
      onProgress: (done, total) => bar?.update(done, total),
    });
    bar?.done();
    ctx.print(report, () => reportText(report));
    // Non-zero only when nothing could be imported and something failed.
    const imported = report.added + report.updated + report.unchanged + report.removed;
    return imported === 0 && report.failed.length > 0 ? 1 : 0;
  },
};

/**
 * The summary: counts, then every failure with its reason, then the entries kept although their
 * file is gone, then what was passed over.
 */
export function reportText(report: ImportReport): string {
  const seconds = (report.ms / 1000).toFixed(1);
  const lines = [
    `${report.files} ${report.files === 1 ? "file" : "files"}: ${report.added} added, ${report.updated} updated, ` +
      `${report.unchanged} unchanged, ${report.removed} removed, ${report.failed.length} failed (${seconds} s)`,
  ];
  if (report.failed.length) {
    lines.push("failed:");
    for (const f of report.failed) lines.push(`  ${f.path}${f.line ? `:${f.line}` : ""}: ${f.reason}`);
  }
  if (report.kept.length) {
    const n = report.kept.length;
    lines.push(
      `kept ${n} ${n === 1 ? "entry" : "entries"} whose file is gone (\`brain delete ID\` removes one):`,
    );
    for (const k of report.kept.slice(0, 10)) lines.push(`  entry ${k.id}, ${k.path}: ${k.reason}`);
    if (n > 10) lines.push(`  … and ${n - 10} more`);
  }
  if (report.unreadable.length) {
    lines.push("not readable now, kept (their entries stay until the file can be read or is deleted):");
    for (const u of report.unreadable) {
      const kept = u.entries === 1 ? "1 entry kept" : `${u.entries} entries kept`;
      lines.push(`  ${u.path}: ${u.reason}; ${kept}`);
    }
  }
  if (report.skipped.length) {
    lines.push(`skipped ${report.skipped.length}:`);
    for (const s of report.skipped.slice(0, 10)) lines.push(`  ${s.path}: ${s.reason}`);
    if (report.skipped.length > 10) lines.push(`  … and ${report.skipped.length - 10} more`);
  }
  return lines.join("\n");
}
