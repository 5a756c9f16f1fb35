import { parseArgs } from "node:util";
import { BrainError } from "../core/base/index.ts";
import { GLOBAL_OPTIONS, type CliCommand, type FlagValues } from "./command.ts";

/**
 * Splits a command's words into flags and positionals. Every mistake becomes one sentence that
 * names the flag and where to look, never the argument parser's own several-line text.
 *
 * @example
 * parseCommandLine(list, ["--limit", "5"]) // { values: { limit: "5" }, positionals: [] }
 */
export function parseCommandLine(
  command: CliCommand,
  rest: string[],
): { values: FlagValues; positionals: string[] } {
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(rest, options),
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw argvError(err, command);
  }
  const { min, max } = command.args ?? { min: 0, max: Infinity };
  const count = parsed.positionals.length;
  if (count < min || count > max) {
    const problem = count < min ? "is missing an argument" : `got ${count - max} argument(s) too many`;
    throw new BrainError("bad_input", `\`brain ${command.name}\` ${problem}.`, {
      hint: `Usage: brain ${command.usage}`,
    });
  }
  return { values: parsed.values as FlagValues, positionals: parsed.positionals };
}

type Options = NonNullable<CliCommand["options"]>;

/**
 * `--limit -3` as `--limit=-3`: the parser would take "-3" for an option and call the line
 * ambiguous, when the person gave a value that the flag's own check can explain.
 */
function joinNegativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return [...out, ...args.slice(i)];
    const name = optionName(arg, options);
    const next = args[i + 1];
    if (name && options[name]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function optionName(arg: string, options: Options): string | undefined {
  if (arg.startsWith("--")) return arg.slice(2);
  if (/^-[A-Za-z]$/.test(arg)) return Object.keys(options).find((k) => options[k]?.short === arg[1]);
  return undefined;
}

/** The parser's error as one sentence about the flag it names. */
function argvError(err: unknown, command: CliCommand): BrainError {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code;
  const named = /'(?:-\w, )?(--?[\w-]+)/.exec(message)?.[1] ?? "";
  const flag = named.startsWith("--") ? named : `-${named.replace(/^-/, "")}`;
  const where = `\`brain help ${command.name}\``;
  const sentence = (text: string) => new BrainError("bad_input", text, { cause: err });
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return sentence(`\`brain ${command.name}\` has no option ${flag}: ${where} lists its options.`);
  }
  if (/argument missing/.test(message))
    return sentence(`${flag} needs a value: ${where} shows what it takes.`);
  if (/does not take an argument/.test(message)) return sentence(`${flag} takes no value: write it alone.`);
  if (/ambiguous/.test(message)) {
    return sentence(`The value after ${flag} starts with "-": write ${flag}=VALUE to give it.`);
  }
  return sentence(`${message.split("\n", 1)[0]!.replace(/\.$/, "")}: ${where} lists the options.`);
}
