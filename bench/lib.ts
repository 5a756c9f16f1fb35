import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CaptureInput } from "../src/core/store/entries.ts";
import type { Kind } from "../src/core/store/kinds.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Runs `fn` `runs` times (after `warmup` untimed runs) and returns the durations in ms. */
export async function timeRuns(runs: number, fn: (i: number) => unknown, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  return times;
}

export function percentile(times: number[], p: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

export interface Row {
  what: string;
  size: string;
  p50: number;
  p95: number;
  goal?: string;
  note?: string;
}

export function row(what: string, size: string, times: number[], goal?: string, note?: string): Row {
  return { what, size, p50: percentile(times, 50), p95: percentile(times, 95), goal, note };
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  return ms < 1 ? `${ms.toFixed(3)} ms` : ms < 100 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(0)} ms`;
}

/** A Markdown table of timings, ready for the README. */
export function printTable(title: string, rows: Row[]): void {
  console.log(`\n### ${title}\n`);
  console.log("| measure | entries | p50 | p95 | goal | note |");
  console.log("|---|---:|---:|---:|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.what} | ${r.size} | ${formatMs(r.p50)} | ${formatMs(r.p95)} | ${r.goal ?? ""} | ${r.note ?? ""} |`,
    );
  }
}

/** A deterministic pseudo-random generator, so every run builds the same databases. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON = (
  "the a to of and in for on with we is it that this at from by our be as are was will should use team " +
  "meeting decided decision billing postgres deploy release review customer api service bug fix design plan " +
  "project migrate database search memory model cache queue latency invoice stripe payment auth login token " +
  "docs write test tests ci build pipeline kubernetes docker cluster node typescript react raycast ollama " +
  "embedding vector index query schema backup restore encrypt key keychain icloud sync offline local cloud " +
  "note idea todo follow up call email maria alex sam priya jordan lee week monday friday quarter roadmap " +
  "budget hiring onboarding incident postmortem alert oncall metrics dashboard grafana logs trace error " +
  "timeout retry rate limit feature flag experiment launch beta feedback user interview survey pricing"
).split(" ");

/** A vocabulary with a long tail, so term frequencies look like real notes (Zipf-like). */
function vocabulary(random: () => number, size: number): string[] {
  const syllables = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tor",
    "vex",
    "sul",
    "pra",
    "din",
    "qua",
    "zen",
    "bor",
    "fli",
    "gat",
  ];
  const words = [...COMMON];
  while (words.length < size) {
    const n = 2 + Math.floor(random() * 3);
    let w = "";
    for (let i = 0; i < n; i++) w += syllables[Math.floor(random() * syllables.length)];
    words.push(w);
  }
  return words;
}

const KINDS: Kind[] = ["note", "note", "note", "note", "fact", "preference", "decision", "decision", "state"];

/**
 * `count` realistic entries: 8-60 words drawn Zipf-like from a 20k-word vocabulary, a few tags,
 * mixed kinds, spread over two years.
 */
export function makeEntries(count: number, seed = 1): CaptureInput[] {
  const random = seeded(seed);
  const words = vocabulary(random, 20_000);
  const pick = () => words[Math.min(words.length - 1, Math.floor(words.length * random() ** 3.2))]!;
  const start = Date.parse("2024-11-01T00:00:00Z");
  const span = 730 * 86_400_000;
  const entries: CaptureInput[] = [];
  for (let i = 0; i < count; i++) {
    const length = 8 + Math.floor(random() * 52);
    const text = Array.from({ length }, pick).join(" ");
    const tags = random() < 0.6 ? [pick(), ...(random() < 0.3 ? [pick()] : [])] : [];
    entries.push({
      text,
      tags,
      kind: KINDS[Math.floor(random() * KINDS.length)]!,
      at: new Date(start + Math.floor((i / count) * span)).toISOString(),
    });
  }
  return entries;
}

/** A fresh folder under the OS temp dir for one bench run. */
export function benchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "brain-bench-"));
}

let cliChecked = false;

/**
 * Runs the real `brain` CLI once, as a person does (bin/brain.js on the project's Node 22), and
 * returns how long the whole process took, in ms. The first call checks that bin/brain.js runs
 * the bundled command line `npm install` builds, and warns when it runs the .ts sources instead
 * (files changed since the bundle was built): such figures include loading Node's TypeScript
 * stripper (`npm run bench` builds the bundle first).
 */
export function timeCli(args: string[], env: Record<string, string> = {}): number {
  const bin = path.join(ROOT, "bin", "brain.js");
  if (!cliChecked) {
    cliChecked = true;
    const probe = spawnSync(process.execPath, [bin, "--version"], {
      env: { ...process.env, ...env, BRAIN_DEBUG: "1" },
      encoding: "utf8",
    });
    if (!probe.stderr.includes("running the bundled command line"))
      console.error(
        "warning: `brain` runs from the .ts sources (run `npm run build:cli`); CLI figures are slower",
      );
  }
  const start = performance.now();
  const run = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`brain ${args.join(" ")} failed: ${run.stderr}`);
  return ms;
}
