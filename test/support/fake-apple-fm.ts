import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { JsonSchema } from "../../src/core/enrich/json-schema.ts";
import { sampleFor } from "./schema-sample.ts";

/**
 * A stand-in for the Apple Foundation Models helper (`apple-fm/`), speaking the same protocol:
 * one JSON request on stdin, one JSON reply on stdout (ARCHITECTURE.md). Run as a program through
 * a small shell script made by `installFakeAppleFm`, in one of these modes:
 *
 * - `ok`: answers `availability` with ready, and `generate` with `--reply FILE`'s value, else a
 *   value built from the schema;
 * - `badJson`: writes text that is not JSON;
 * - `schemaViolation`: answers with JSON that breaks the schema;
 * - `hang`: never answers;
 * - `unavailable`: the system model is not ready (`appleIntelligenceNotEnabled`).
 *
 * Every request is appended to `--log FILE`, one JSON line each.
 */

export type FakeAppleFmMode = "ok" | "badJson" | "schemaViolation" | "hang" | "unavailable";

export interface FakeAppleFm {
  /** The executable to configure as the helper. */
  path: string;
  /** The requests it received, in order. */
  requests(): { op: string; instructions?: string; input?: string; schema?: JsonSchema }[];
}

/**
 * Writes an executable fake helper into `dir`.
 *
 * @example
 * const helper = installFakeAppleFm(tempDir(), "ok", { kind: "fact", tags: [] });
 * const config = testConfig({ appleFmHelper: helper.path });
 */
export function installFakeAppleFm(dir: string, mode: FakeAppleFmMode, reply?: unknown): FakeAppleFm {
  const log = path.join(dir, "fake-apple-fm.log");
  const replyFile = path.join(dir, "fake-apple-fm-reply.json");
  if (reply !== undefined) fs.writeFileSync(replyFile, JSON.stringify(reply));
  const script = fileURLToPath(import.meta.url);
  const args = [mode, "--log", log, ...(reply !== undefined ? ["--reply", replyFile] : [])].map(quote);
  const file = path.join(dir, "local-brain-fm");
  fs.writeFileSync(file, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(script)} ${args.join(" ")}\n`, {
    mode: 0o755,
  });
  return {
    path: file,
    requests: () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, "utf8")
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as ReturnType<FakeAppleFm["requests"]>[number])
        : [],
  };
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

async function serve(argv: string[]): Promise<void> {
  const mode = argv[0] as FakeAppleFmMode;
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  const logFile = option("--log");
  if (logFile) fs.appendFileSync(logFile, `${raw.replace(/\n/g, " ")}\n`);
  const request = JSON.parse(raw) as { op: string; schema?: JsonSchema };
  const send = (value: unknown, status = 0) => {
    process.stdout.write(JSON.stringify(value));
    process.exitCode = status;
  };
  if (mode === "hang") return void setInterval(() => {}, 60_000);
  if (mode === "unavailable") {
    if (request.op === "availability")
      return send({ ok: true, available: false, reason: "appleIntelligenceNotEnabled" });
    return send(
      { ok: false, error: { code: "model_unavailable", message: "appleIntelligenceNotEnabled" } },
      1,
    );
  }
  if (request.op === "availability") return send({ ok: true, available: true });
  if (mode === "badJson") return void process.stdout.write("Generation failed: {not json");
  if (mode === "schemaViolation") return send({ ok: true, output: { unexpected: true } });
  const replyFile = option("--reply");
  const output = replyFile ? JSON.parse(fs.readFileSync(replyFile, "utf8")) : sampleFor(request.schema!);
  send({ ok: true, output });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await serve(process.argv.slice(2));
}
