import { readFileSync } from 'node:fs';
import { parseCommandLine, type ParsedCommand } from './command-line.js';
import { runDemo } from './demo/demo.js';
import type { Environment } from './flag-input.js';
import { JsonLinesLogger } from './logger.js';
import { runSidecar } from './run.js';
import { UsageError } from './usage-error.js';

/** Exit status of a command line that cannot be run (unknown flag, invalid value). */
export const EXIT_USAGE = 2;

export interface CliIo {
  /** Default: process.env. */
  env: Environment;
  /** Help, version, the debug exporter and the demo's tables. Default: process.stdout. */
  writeStdout: (text: string) => void;
  /** Logs (JSON lines) and usage errors. Default: process.stderr. */
  writeStderr: (text: string) => void;
}

/**
 * The `otel-dp` command. `run` and `demo` return when SIGTERM or SIGINT has
 * been handled (or the demo's duration is over).
 * @returns the exit status: 0 on success, 1 on a failure at run time, 2 for
 *   a usage error (printed on stderr, naming the flag).
 */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const env = io.env ?? process.env;
  const writeStdout = io.writeStdout ?? ((text: string) => void process.stdout.write(text));
  const writeStderr = io.writeStderr ?? ((text: string) => void process.stderr.write(text));
  let parsed: ParsedCommand;
  try {
    parsed = parseCommandLine(argv, env, { version: packageVersion() });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const command = argv[0] === 'run' || argv[0] === 'demo' ? ` ${argv[0]}` : '';
    writeStderr(`otel-dp: ${error.message}\nSee 'otel-dp${command} --help'.\n`);
    return EXIT_USAGE;
  }
  if (parsed.kind === 'text') {
    writeStdout(parsed.text);
    return 0;
  }
  const logger = new JsonLinesLogger({ level: parsed.config.logLevel, write: writeStderr });
  if (parsed.kind === 'run') {
    const { config } = parsed;
    return untilSignalled((stop) => runSidecar(config, { logger, writeStdout, stop }));
  }
  const { config } = parsed;
  return untilSignalled((stop) => runDemo(config, { logger, write: writeStdout, stop }));
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
