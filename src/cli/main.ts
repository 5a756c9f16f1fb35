import type { CloudConsent } from "../core/privacy/index.ts";
import type { Brain } from "../core/brain.ts";
import { resolveConfig, BrainError, toBrainError, type ChatModel } from "../core/base/index.ts";
import { parseCommandLine } from "./argv.ts";
import type { CliContext, FlagValues } from "./command.ts";
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
    return fail(
      io,
      new BrainError("bad_input", `Unknown command "${name}".`, {
        hint: "Run `brain help` to see the commands.",
      }),
      2,
    );
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
  let brain: Brain | undefined;
  const json = parsed.values.json === true;
  try {
    // Loaded here, not at the top: `brain --version` and `brain help` never open SQLite.
    const { createBrain } = await import("../core/brain.ts");
    const config = resolveConfig({ dbPath: parsed.values.db as string | undefined }, io.env);
    const ctx: CliContext = {
      args: parsed.positionals,
      flags: parsed.values,
      json,
      config,
      io,
      brain: () => (brain ??= createBrain(config, { cloudChat: cloudKeyFromSecretStore })),
      print: (value, human) => {
        io.stdout.write(
          json ? `${JSON.stringify(value, null, 2)}\n` : `${typeof human === "string" ? human : human()}\n`,
        );
      },
      note: (line) => {
        if (!json) io.stderr.write(`${line}\n`);
      },
    };
    return (await command.run(ctx)) ?? 0;
  } catch (err) {
    const error = toBrainError(err, "database_error");
    if (io.env.BRAIN_DEBUG && err instanceof Error) io.stderr.write(`${err.stack}\n`);
    return fail(io, error, error.code === "bad_input" ? 2 : 1);
  } finally {
    brain?.close();
  }
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

/** The command line's cloud key comes from the OS secret store (`brain cloud set-key`), loaded only when asked. */
async function cloudKeyFromSecretStore(consent: CloudConsent): Promise<ChatModel> {
  const { cloudChatFromSecretStore } = await import("./cloud-chat.ts");
  return cloudChatFromSecretStore()(consent);
}
