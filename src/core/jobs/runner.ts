import { execFile } from "node:child_process";

/** What one command printed and how it ended. `code` is 127 when the program does not exist. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program with arguments, never through a shell. The jobs installer runs `launchctl` and
 * `systemctl` only through this port, so `--dry-run` and tests can record the commands instead.
 */
export interface CommandRunner {
  run(command: string, args: readonly string[]): Promise<CommandResult>;
}

/**
 * The real runner: `execFile` with a timeout. A non-zero exit is returned, not thrown; a missing
 * program comes back as code 127 with the reason on stderr.
 *
 * @example
 * const { code, stdout } = await createProcessRunner().run("launchctl", ["print", "gui/501/com.local-brain.embed"]);
 */
export function createProcessRunner(timeoutMs = 30_000): CommandRunner {
  return {
    run: (command, args) =>
      new Promise((resolve) => {
        execFile(command, [...args], { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
          if (!err) return resolve({ code: 0, stdout, stderr });
          const errno = (err as NodeJS.ErrnoException).code;
          if (errno === "ENOENT") return resolve({ code: 127, stdout, stderr: `${command}: not found` });
          const code = typeof errno === "number" ? errno : 1;
          resolve({ code, stdout, stderr: stderr || err.message });
        });
      }),
  };
}

/**
 * A runner that runs nothing: every command is recorded and answered with `answer` (by default
 * exit 0 and no output). `--dry-run` uses it, and so do tests, to see exactly what would run.
 *
 * @example
 * const runner = createRecordingRunner();
 * await installJobs({ ...options, runner });
 * runner.calls; // [["launchctl", "bootout", "gui/501/com.local-brain.embed"], ...]
 */
export function createRecordingRunner(
  answer: (argv: string[]) => CommandResult = () => ({ code: 0, stdout: "", stderr: "" }),
): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: async (command, args) => {
      const argv = [command, ...args];
      calls.push(argv);
      return answer(argv);
    },
  };
}
