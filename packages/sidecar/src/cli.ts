import { readFileSync } from 'node:fs';
import { COMMANDS, parseCommandLine, type ParsedCommand } from './command-line.js';
import { runDemo } from './demo/demo.js';
import type { Environment } from './flag-input.js';
import { createLogger } from './logger.js';
import { planText } from './offline/plan-command.js';
import { runSimulate } from './offline/simulate-command.js';
import { runSidecar } from './run.js';
import { UsageError } from './usage-error.js';

/** Exit status of a command line that cannot be run (unknown flag, invalid value, unreadable input). */
export const EXIT_USAGE = 2;

export interface CliIo {
  /** Default: process.env. */
  env: Environment;
  /**
   * Help, version, the debug exporter, the demo's tables and what the
   * offline commands print. A returned promise means "wait before writing
   * more" (stdout's back-pressure); only `simulate` waits. Default:
   * process.stdout.
   */
  writeStdout: (text: string) => void | Promise<void>;
  /** Logs and usage errors. Default: process.stderr. */
  writeStderr: (text: string) => void;
}

/**
 * The `otel-dp` command. `run` and `demo` return when SIGTERM or SIGINT has
 * been handled (or the demo's duration is over); `simulate` and `plan` when
 * their output is written.
 * @returns the exit status: 0 on success, 1 on a failure at run time, 2 for
 *   a usage error (printed on stderr, naming the flag).
 */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const env = io.env ?? process.env;
  const writeStdout = io.writeStdout ?? processStdoutWriter();
  const writeStderr = io.writeStderr ?? ((text: string) => void process.stderr.write(text));
  const command = COMMANDS.find((name) => name === argv[0]);
  const usageError = (error: UsageError): number => {
    writeStderr(`otel-dp: ${error.message}\nSee 'otel-dp${command === undefined ? '' : ` ${command}`} --help'.\n`);
    return EXIT_USAGE;
  };
  let parsed: ParsedCommand;
  try {
    parsed = parseCommandLine(argv, env, { version: packageVersion() });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageError(error);
  }
  switch (parsed.kind) {
    case 'text':
      await writeStdout(parsed.text);
      return 0;
    case 'plan':
      await writeStdout(await planText(parsed.config));
      return 0;
    case 'simulate':
      try {
        await runSimulate(parsed.config, writeStdout);
        return 0;
      } catch (error) {
        // The reader went away (`| head`): it has what it wanted.
        if ((error as NodeJS.ErrnoException).code === 'EPIPE') return 0;
        if (!(error instanceof UsageError)) throw error;
        return usageError(error);
      }
    case 'run': {
      const { config } = parsed;
      const logger = createLogger(config.logFormat, { level: config.logLevel, write: writeStderr });
      return untilSignalled((stop) => runSidecar(config, { logger, writeStdout, stop }));
    }
    case 'demo': {
      const { config } = parsed;
      const logger = createLogger(config.logFormat, { level: config.logLevel, write: writeStderr });
      return untilSignalled((stop) => runDemo(config, { logger, write: writeStdout, stop }));
    }
  }
}

/**
 * A writer to process.stdout that resolves at once, or once the stream has
 * drained when it holds too much. A closed stdout (`otel-dp simulate | head`)
 * must not end the process with an unhandled error: writes then reject,
 * which ends a `simulate` early, and other output is dropped.
 */
function processStdoutWriter(): (text: string) => Promise<void> {
  let failure: Error | undefined;
  process.stdout.on('error', (error) => (failure = error));
  return (text) => {
    if (failure !== undefined) return Promise.reject(failure);
    if (process.stdout.write(text)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const settle = (error?: Error): void => {
        process.stdout.off('drain', settle);
        process.stdout.off('error', settle);
        if (error === undefined) resolve();
        else reject(error);
      };
      process.stdout.once('drain', settle);
      process.stdout.once('error', settle);
    });
  };
}

/**
 * Runs `task` with SIGTERM and SIGINT turned into an abort of `stop`. Each
 * handler is registered once: a second signal gets Node's default action and
 * ends the process at once, the usual way out of a shutdown that hangs.
 */
async function untilSignalled(task: (stop: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => controller.abort(signal);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    return await task(controller.signal);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

function packageVersion(): string {
  // dist/src/cli.js → the package's package.json.
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
