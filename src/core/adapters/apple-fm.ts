import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { BrainError } from "../base/index.ts";
import { validatedModel, type StructuredModel, type StructuredRequest } from "../enrich/index.ts";

/**
 * Apple Foundation Models (macOS 26+) through the `local-brain-fm` helper in `apple-fm/`: one
 * process per request, one JSON document on stdin, one on stdout (the protocol is in
 * ARCHITECTURE.md). The helper turns the JSON Schema into a `DynamicGenerationSchema`, so the
 * system model's output is constrained to it; the answer is validated here all the same.
 */

export interface AppleFmOptions {
  /** Absolute path of the built helper. */
  helperPath: string;
  /** Longest wait for one answer, in ms (default 60 s). */
  timeoutMs?: number;
}

/** What the helper writes on stdout. */
type HelperReply =
  | { ok: true; output?: unknown; available?: boolean; reason?: string }
  | { ok: false; error: { code: string; message: string } };

export const PROTOCOL_VERSION = 1;

/**
 * The StructuredModel backed by the helper.
 *
 * @example
 * const model = createAppleFmStructured({ helperPath: "/…/apple-fm/.build/release/local-brain-fm" });
 */
export function createAppleFmStructured(options: AppleFmOptions): StructuredModel {
  return validatedModel(
    {
      provider: "apple-fm",
      model: "apple-fm",
      invalidHint: "Try again; if it keeps happening, rebuild the helper with `scripts/build-apple-fm.sh`.",
    },
    (request, signal) => generateOnce(options, request, signal),
  );
}

async function generateOnce(
  options: AppleFmOptions,
  request: StructuredRequest,
  signal?: AbortSignal,
): Promise<string> {
  const message = {
    version: PROTOCOL_VERSION,
    op: "generate",
    instructions: request.instructions,
    input: request.input,
    schema: request.schema,
  };
  const stdout = await runHelper(options.helperPath, message, options.timeoutMs ?? 60_000, signal);
  let reply: HelperReply;
  try {
    reply = JSON.parse(stdout) as HelperReply;
  } catch {
    return stdout; // Not JSON at all: the validator reports it and asks again.
  }
  if (reply.ok) return JSON.stringify(reply.output ?? null);
  throw helperError(reply.error);
}

/** Whether the helper runs and says the system model is ready (never throws). */
export interface AppleFmAvailability {
  available: boolean;
  /** Why not: the helper's reason (`appleIntelligenceNotEnabled`, `modelNotReady`…) or what failed. */
  reason?: string;
}

/**
 * Asks the helper whether the system model can answer now.
 *
 * @example
 * const { available, reason } = await probeAppleFm("/…/local-brain-fm");
 */
export async function probeAppleFm(helperPath: string, timeoutMs = 5_000): Promise<AppleFmAvailability> {
  try {
    const stdout = await runHelper(helperPath, { version: PROTOCOL_VERSION, op: "availability" }, timeoutMs);
    const reply = JSON.parse(stdout) as HelperReply;
    if (!reply.ok) return { available: false, reason: reply.error.message };
    return reply.available === true
      ? { available: true }
      : { available: false, reason: reply.reason ?? "unknown" };
  } catch (err) {
    return { available: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

function helperError(error: { code?: unknown; message?: unknown } | undefined): BrainError {
  const message = typeof error?.message === "string" ? error.message : "no reason given";
  if (error?.code === "model_unavailable") {
    return new BrainError("structured_unavailable", `Apple Foundation Models is unavailable: ${message}.`, {
      hint: "Turn on Apple Intelligence in System Settings, or wait for its model to download; Ollama is used meanwhile.",
    });
  }
  return new BrainError("structured_invalid", `Apple Foundation Models could not answer: ${message}.`, {
    hint: "Try again; if it keeps happening, rebuild the helper with `scripts/build-apple-fm.sh`.",
  });
}

const MAX_REPLY_BYTES = 4 * 1024 * 1024;

/** Runs the helper once: the request on stdin, its stdout back; killed on timeout or abort. */
function runHelper(
  helperPath: string,
  request: object,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError(signal.reason));
    const child = spawn(helperPath, [], { stdio: ["pipe", "pipe", "pipe"] });
    let failure: BrainError | null = null;
    const stop = (error: BrainError) => {
      failure ??= error;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => stop(timeoutError(timeoutMs)), timeoutMs);
    const onAbort = () => stop(cancelledError(signal?.reason));
    signal?.addEventListener("abort", onAbort, { once: true });
    const output = collectOutput(child, () =>
      stop(unavailable(`its answer was over ${MAX_REPLY_BYTES} bytes`)),
    );
    child.on("error", (err) => stop(unavailable(`it could not be started (${err.message})`, err)));
    child.on("close", (code) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      const stdout = output.stdout();
      const stderr = output.stderr();
      if (failure) return reject(failure);
      if (stdout.trim() === "")
        return reject(
          unavailable(`it exited with status ${code} and no answer${stderr ? `: ${stderr.trim()}` : ""}`),
        );
      resolve(stdout);
    });
    child.stdin.on("error", () => {}); // A helper that exits without reading: its answer says why.
    child.stdin.end(JSON.stringify(request));
  });
}

/**
 * Gathers what the helper writes: its stdout, up to MAX_REPLY_BYTES (past that `onTooLarge` is
 * called and the rest is dropped), and the last 500 characters of its stderr.
 */
function collectOutput(
  child: ChildProcessWithoutNullStreams,
  onTooLarge: () => void,
): { stdout: () => string; stderr: () => string } {
  const out: Buffer[] = [];
  let size = 0;
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_REPLY_BYTES) onTooLarge();
    else out.push(chunk);
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr = (stderr + text).slice(-500)));
  return { stdout: () => Buffer.concat(out).toString("utf8"), stderr: () => stderr };
}

function unavailable(why: string, cause?: unknown): BrainError {
  return new BrainError("structured_unavailable", `The Apple Foundation Models helper failed: ${why}.`, {
    hint: "Rebuild it on this Mac with `scripts/build-apple-fm.sh`, or remove it to use Ollama.",
    cause,
  });
}

function timeoutError(timeoutMs: number): BrainError {
  return new BrainError(
    "structured_unavailable",
    `The Apple Foundation Models helper did not answer within ${timeoutMs / 1000} s.`,
    { hint: "The system model may be busy or still loading: try again in a minute." },
  );
}

function cancelledError(cause?: unknown): BrainError {
  return new BrainError("cancelled", "Cancelled: the request to Apple Foundation Models was stopped.", {
    cause,
  });
}
