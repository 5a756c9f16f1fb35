import type { ParseArgsConfig } from "node:util";
import type { Brain, BrainOptions } from "../core/brain.ts";
import { BrainError, type BrainConfig } from "../core/base/index.ts";
import type { CliIO } from "./io.ts";

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;
export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What a command gets: its words and flags, the configuration, and a lazily opened Brain. */
export interface CliContext {
  args: string[];
  flags: FlagValues;
  json: boolean;
  config: BrainConfig;
  io: CliIO;
  /**
   * The command's Brain, built on the first call and closed when the command ends. It opens the
   * database at once unless `{ open: "on first use" }` (the backup commands, which never need it).
   */
  brain(options?: BrainOptions): Brain;
  /** Prints one JSON document with --json, else the human text. */
  print(value: unknown, human: string | (() => string)): void;
  /** A line on stderr that is not an error (progress, notices). Silent with --json. */
  note(line: string): void;
}

export interface CliCommand {
  name: string;
  /** One line for `brain help`. */
  summary: string;
  /** The usage line(s), without the leading `brain `. */
  usage: string;
  options?: OptionsConfig;
  /** How many positional words the command takes. */
  args?: { min: number; max: number };
  run(ctx: CliContext): Promise<number | void> | number | void;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS = {
  db: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionsConfig;

/** Reads a positive integer id from a command's words. */
export function parseId(value: string | undefined, what = "ID"): number {
  if (
    value === undefined ||
    !/^\d+$/.test(value) ||
    Number(value) < 1 ||
    !Number.isSafeInteger(Number(value))
  ) {
    throw new BrainError("bad_input", `${what} must be an entry id such as 42, not "${value ?? ""}".`, {
      hint: "Find ids with `brain search QUERY` or `brain list`.",
    });
  }
  return Number(value);
}

/** Reads a positive integer flag such as --limit. */
export function intFlag(flags: FlagValues, name: string): number | undefined {
  const value = flags[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^\d+$/.test(value) || Number(value) < 1) {
    throw new BrainError("bad_input", `--${name} must be a positive whole number, not "${String(value)}".`, {
      hint: `For example --${name} 10.`,
    });
  }
  return Number(value);
}

/** Reads a string flag given at most once. */
export function stringFlag(flags: FlagValues, name: string): string | undefined {
  const value = flags[name];
  if (value === undefined || typeof value === "string") return value;
  throw new BrainError("bad_input", `--${name} takes a value.`, { hint: `For example --${name} VALUE.` });
}

/** Reads a repeatable string flag such as --tag. */
export function listFlag(flags: FlagValues, name: string): string[] {
  const value = flags[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Checks a flag's value against a fixed set of words. */
export function choiceFlag<T extends string>(
  flags: FlagValues,
  name: string,
  choices: readonly T[],
): T | undefined {
  const value = stringFlag(flags, name);
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new BrainError("bad_input", `--${name} "${value}" is not one of ${choices.join(", ")}.`, {
    hint: `For example --${name} ${choices[0]}.`,
  });
}
