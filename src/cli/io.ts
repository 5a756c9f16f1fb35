import { BrainError } from "../core/base/index.ts";
import { decodeUtf8 } from "../core/store/index.ts";

/** What a command may touch of its process: streams and environment, injectable for tests. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export const processIO: CliIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
};

/**
 * A reader that stops reading (`brain list | head`) closes the pipe, and the next write fails with
 * EPIPE. That is not an error of the command: it ends quietly, with status 0, whatever it was doing.
 * Other write errors stay loud.
 */
export function endQuietlyWhenOutputCloses(streams: NodeJS.WritableStream[], exit = process.exit): void {
  for (const stream of streams) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
      exit(0);
    });
  }
}

/** Reads all of stdin as UTF-8 (invalid bytes become U+FFFD), refusing more than `maxBytes`. */
export async function readStdin(io: CliIO, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > maxBytes + 4096) {
      throw new BrainError(
        "too_large",
        "The text on stdin is over 10 MB; an entry holds at most 10 MB, so nothing was saved.",
        {
          hint: "Split it into smaller entries, or use `brain import` for long files (it splits them).",
        },
      );
    }
    chunks.push(buf);
  }
  return decodeUtf8(Buffer.concat(chunks));
}

/** The largest secret accepted on stdin. */
const MAX_SECRET_BYTES = 64 * 1024;

/**
 * Reads a secret from stdin, never from the command line: all of a pipe, or one line typed at a
 * terminal without echo. `what` names it in the refusal of an over-long input.
 *
 * @example
 * const key = await readSecret(ctx.io, "Paste the anthropic API key and press Enter: ");
 */
export async function readSecret(io: CliIO, prompt: string, what = "an API key"): Promise<string> {
  const stdin = io.stdin as CliIO["stdin"] & { setRawMode?: (raw: boolean) => void };
  if (stdin.isTTY && stdin.setRawMode) return readHidden(io, stdin as NodeJS.ReadStream, prompt);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_SECRET_BYTES)
      throw new BrainError("too_large", `That is too long to be ${what}.`, { hint: "Pipe only the key." });
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** One line from a terminal in raw mode (no echo): Enter ends it, Ctrl-C cancels, Backspace erases. */
function readHidden(io: CliIO, stdin: NodeJS.ReadStream, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  let value = "";
  return new Promise((resolve, reject) => {
    const finish = (error?: BrainError) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      io.stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString("utf8")) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return finish();
        if (ch === "\u0003") return finish(new BrainError("cancelled", "Cancelled: no key was stored."));
        value = ch === "\u007f" || ch === "\b" ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on("data", onData);
  });
}
