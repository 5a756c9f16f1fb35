import type { CliIO } from "./io.ts";

/**
 * A one-line progress bar on a terminal's stderr, redrawn in place at most every 100 ms.
 *
 * @example
 * const bar = progressBar(io, "embedding"); bar.update(3, 10); bar.done();
 */
export function progressBar(
  io: CliIO,
  label: string,
): { update(done: number, total: number): void; done(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      io.stderr.write(
        `\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${pct}%`,
      );
      drawn = true;
    },
    done() {
      if (drawn) io.stderr.write("\n");
    },
  };
}

/** One JSON object per line, for logs read by launchd/systemd or another program. */
export function jsonLine(io: CliIO, event: Record<string, unknown>): void {
  io.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
}
