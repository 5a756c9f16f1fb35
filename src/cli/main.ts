import type { detectSecretStore as DetectSecretStore } from "../core/adapters/index.ts";
import type { Brain, BrainDeps, BrainOptions } from "../core/brain.ts";
import { resolveConfig, BrainError, toBrainError, type BrainConfig } from "../core/base/index.ts";
import { parseCommandLine } from "./argv.ts";
import type { CliCommand, CliContext, FlagValues } from "./command.ts";
import { commandLoaders } from "./commands/index.ts";
import { endQuietlyWhenOutputCloses, processIO, type CliIO } from "./io.ts";
import { brainVersion } from "./version.ts";

/**
 * Runs one `brain` command line and returns the exit status: 0 on success, 1 when the command
 * failed, 2 when the command line itself was wrong. Errors are one sentence on stderr with the
 * next step; with --json, stdout holds exactly one JSON document or nothing.
 *
 * @example
 * process.exitCode = await main(["search", "pnpm", "--json"]);
 */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  if (io === processIO) endQuietlyWhenOutputCloses([process.stdout, process.stderr]);
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.stdout.write(await helpText(rest[0]));
    return 0;
  }
  if (name === "--version" || name === "version") {
    io.stdout.write(`${brainVersion()}\n`);
    return 0;
  }
  const load = Object.hasOwn(commandLoaders, name) ? commandLoaders[name] : undefined;
  const command = await load?.();
  if (!command) {
    const error = new BrainError("bad_input", `Unknown command "${name}".`, {
      hint: "Run `brain help` to see the commands.",
    });
    return fail(io, error, 2);
  }
  let parsed: { values: FlagValues; positionals: string[] };
  try {
    parsed = parseCommandLine(command, rest);
  } catch (err) {
    return fail(io, toBrainError(err, "bad_input"), 2);
  }
  if (parsed.values.help) {
    io.stdout.write(await helpText(command.name));
    return 0;
  }
  return runCommand(command, parsed, io);
}

/** Runs a parsed command with its context, and turns what it throws into one line and a status. */
async function runCommand(
  command: CliCommand,
  parsed: { values: FlagValues; positionals: string[] },
  io: CliIO,
): Promise<number> {
  let brain: Brain | undefined;
  try {
    // Loaded here, not at the top: `brain --version` and `brain help` never open SQLite.
    const [{ createBrain }, { detectSecretStore }] = await Promise.all([
      import("../core/brain.ts"),
      import("../core/adapters/keychain.ts"),
    ]);
    const config = resolveConfig({ dbPath: parsed.values.db as string | undefined }, io.env);
    const deps = cliDeps(io, detectSecretStore);
    const open = (options?: BrainOptions) => (brain ??= createBrain(config, deps, options));
    return (await command.run(cliContext(parsed, config, io, open))) ?? 0;
  } catch (err) {
    const error = toBrainError(err, "database_error");
    if (io.env.BRAIN_DEBUG && err instanceof Error) io.stderr.write(`${err.stack}\n`);
    return fail(io, error, error.code === "bad_input" ? 2 : 1);
  } finally {
    brain?.close();
  }
}

/**
 * The command line's adapters: the OS secret store (Keychain on macOS, Secret Service elsewhere)
 * for the cloud API key and the backup key, found only when a command first needs it.
 */
function cliDeps(io: CliIO, detectSecretStore: typeof DetectSecretStore): BrainDeps {
  return { secrets: () => detectSecretStore(process.platform, { env: io.env as NodeJS.ProcessEnv }) };
}

function cliContext(
  parsed: { values: FlagValues; positionals: string[] },
  config: BrainConfig,
  io: CliIO,
  brain: (options?: BrainOptions) => Brain,
): CliContext {
  const json = parsed.values.json === true;
  return {
    args: parsed.positionals,
    flags: parsed.values,
    json,
    config,
    io,
    brain,
    print: (value, human) => {
      io.stdout.write(
        json ? `${JSON.stringify(value, null, 2)}\n` : `${typeof human === "string" ? human : human()}\n`,
      );
    },
    note: (line) => {
      if (!json) io.stderr.write(`${line}\n`);
    },
  };
}

function fail(io: CliIO, error: BrainError, status: number): number {
  io.stderr.write(`brain: ${error.sentence.replace(/\s*\n\s*/g, " ")}\n`);
  return status;
}

async function helpText(name?: string): Promise<string> {
  const commands = await Promise.all(Object.values(commandLoaders).map((load) => load()));
  const command = name ? commands.find((c) => c.name === name) : undefined;
  if (command) return `${command.summary}.\n\nUsage: brain ${command.usage} [--db PATH] [--json]\n`;
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "brain: your local memory.",
    "",
    "Usage: brain COMMAND [ARGS] [--db PATH] [--json]",
    "",
    ...lines,
    "",
    "Every command takes --db PATH (or BRAIN_DB) and --json. `brain help COMMAND` shows a command's flags.",
    "",
  ].join("\n");
}
