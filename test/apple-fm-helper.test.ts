/**
 * How a helper that fails outside the protocol is reported: real child processes (small shell
 * scripts) in place of the Apple Foundation Models helper, read through `probeAppleFm`, which
 * passes on the failure's message as its reason.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { probeAppleFm } from "../src/core/adapters/apple-fm.ts";
import { tempDir } from "./support/tmp.ts";

function helper(body: string): string {
  const file = path.join(tempDir(), "local-brain-fm");
  fs.writeFileSync(file, `#!/bin/sh\ncat >/dev/null\n${body}\n`, { mode: 0o755 });
  return file;
}

const FAILED = "The Apple Foundation Models helper failed";

describe("a helper that fails outside the protocol", () => {
  it("exits without an answer: its status and the end of its stderr", async () => {
    const file = helper(`printf 'x%.0s' $(seq 1 600) >&2; echo ' the model crashed' >&2; exit 3`);
    const { available, reason } = await probeAppleFm(file);
    expect(available).toBe(false);
    // The last 500 characters, newline included, then trimmed.
    const tail = `${"x".repeat(481)} the model crashed`;
    expect(reason).toBe(`${FAILED}: it exited with status 3 and no answer: ${tail}.`);
  });

  it("exits without an answer or any stderr", async () => {
    expect(await probeAppleFm(helper("exit 0"))).toEqual({
      available: false,
      reason: `${FAILED}: it exited with status 0 and no answer.`,
    });
  });

  it("answers with more than 4 MiB: stopped", async () => {
    expect(await probeAppleFm(helper("head -c 5000000 /dev/zero"))).toEqual({
      available: false,
      reason: `${FAILED}: its answer was over 4194304 bytes.`,
    });
  });

  it("cannot be started", async () => {
    const missing = path.join(tempDir(), "no-such-helper");
    expect(await probeAppleFm(missing)).toEqual({
      available: false,
      reason: `${FAILED}: it could not be started (spawn ${missing} ENOENT).`,
    });
  });
});
