import { BrainError } from "../core/errors.ts";
import { decodeUtf8 } from "../core/text.ts";

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
