import yargs, { type Argv, type Options } from 'yargs';
import { displayConfigValue } from '@otel-dp/admin';
import { buildRunConfig, type RunConfig } from './config.js';
import { readConfigFile } from './config-file.js';
import { buildDemoConfig, type DemoConfig } from './demo/demo-config.js';
import { FlagReader, type Environment } from './flag-input.js';
import { buildPlanConfig, type PlanConfig } from './offline/plan-command.js';
import { buildSimulateConfig, type SimulateConfig } from './offline/simulate-command.js';
import { DEMO_FLAGS, PLAN_FLAGS, PLAN_IGNORED_FLAGS, RUN_FLAGS, SIMULATE_FLAGS, type FlagDefinition } from './options.js';
import type { LocalHost } from './self-export.js';
import { UsageError } from './usage-error.js';

/** What the command line asks for. `text` is help or version output, for stdout. */
export type ParsedCommand =
  | { kind: 'text'; text: string }
  | { kind: 'run'; config: RunConfig }
  | { kind: 'demo'; config: DemoConfig }
  | { kind: 'simulate'; config: SimulateConfig }
  | { kind: 'plan'; config: PlanConfig };

/** The commands, in help order. */
export const COMMANDS = ['run', 'demo', 'simulate', 'plan'] as const;
const COMMAND_LIST = 'run, demo, simulate or plan';

export interface ParseOptions {
  /** Printed by `--version`. */
  version: string;
  /** This machine's names; default read from the OS. */
  local?: LocalHost;
}

/** Width of the description column in `--help`, in characters. */
const HELP_TEXT_WIDTH = 72;

const ENV_EPILOGUE = wrapWords(
  'Every flag can also be set from the environment: --max-series-per-token is OTEL_DP_MAX_SERIES_PER_TOKEN. ' +
    'A flag wins over its variable; repeatable flags take a comma-separated list.',
  HELP_TEXT_WIDTH,
);

/**
 * Parses `otel-dp <command> [flags]` together with the OTEL_DP_* variables
 * and OpenTelemetry's exporter variables found in `env`. Pure: nothing is
 * printed, started or read from process.env.
 * @throws {UsageError} for an unknown command or flag, or an invalid value.
 */
export function parseCommandLine(argv: readonly string[], env: Environment, options: ParseOptions): ParsedCommand {
  let failure: Error | undefined;
  let text = '';
  // With a callback, yargs neither prints nor exits: it hands over the error or the help text.
  const parsed = buildParser(options.version).parse([...argv], {}, (error, _argv, output) => {
    failure = error ?? undefined;
    text = output;
  }) as Record<string, unknown> & { _: Array<string | number> };
  if (failure !== undefined) throw new UsageError(unknownFlagMessage(failure.message, argv) ?? failure.message);
  if (parsed.help === true || parsed.version === true) return { kind: 'text', text: text.endsWith('\n') ? text : `${text}\n` };
  const command = parsed._[0];
  if (command === 'run') {
    const path = typeof parsed.config === 'string' ? parsed.config : env.OTEL_DP_CONFIG?.trim() || undefined;
    const file = path === undefined ? undefined : readConfigFile(path, RUN_FLAGS);
    const flags = new FlagReader(RUN_FLAGS, parsed, env, file);
    const config = buildRunConfig(flags, env, options.local);
    if (parsed['print-config'] === true) return { kind: 'text', text: printConfig(flags) };
    return { kind: 'run', config };
  }
  if (command === 'demo') return { kind: 'demo', config: buildDemoConfig(new FlagReader(DEMO_FLAGS, parsed, env)) };
  if (command === 'simulate') return { kind: 'simulate', config: buildSimulateConfig(new FlagReader(SIMULATE_FLAGS, parsed, env)) };
  if (command === 'plan') return { kind: 'plan', config: buildPlanConfig(new FlagReader([...PLAN_FLAGS, ...PLAN_IGNORED_FLAGS], parsed, env)) };
  throw new UsageError(`unknown command ${String(command)}: choose ${COMMAND_LIST}`);
}

/**
 * The flags of `otel-dp run` (without the command word) as a configuration.
 * @throws {UsageError} as {@link parseCommandLine}.
 */
export function parseRunConfig(args: readonly string[], env: Environment, local?: LocalHost): RunConfig {
  const parsed = parseCommandLine(['run', ...args], env, { version: '', local });
  if (parsed.kind !== 'run') throw new UsageError('--help and --version do not make a configuration');
  return parsed.config;
}

/**
 * `--print-config`: one line per setting in effect, `name: value  (source)`,
 * secrets hidden as on the status page (header values, URL credentials).
 */
function printConfig(flags: FlagReader): string {
  const lines = flags.sources().map(({ name, texts, source }) => `${name}: ${texts.map((text) => displayConfigValue(name, text)).join(', ')}  (${source})`);
  return `${lines.join('\n')}\n`;
}

const COMMAND_FLAGS: Readonly<Record<string, readonly FlagDefinition[]>> = { run: RUN_FLAGS, demo: DEMO_FLAGS, simulate: SIMULATE_FLAGS, plan: PLAN_FLAGS };

/**
 * yargs says `Unknown argument: bogus-flag`; a user typed `--bogus-flag`.
 * Names the flag as typed and suggests the command's nearest flag when a
 * typo or two away (`--epsilonn`: did you mean --epsilon?). A stray word
 * that is not a flag is called an argument.
 */
function unknownFlagMessage(message: string, argv: readonly string[]): string | undefined {
  const names = /^Unknown arguments?: (.+)$/.exec(message)?.[1].split(', ');
  if (names === undefined) return undefined;
  const definitions = COMMAND_FLAGS[argv[0]] ?? [];
  const parts = names.map((name) => {
    const typed = argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`) || arg === `-${name}`);
    if (!typed) return `unexpected argument ${JSON.stringify(name)}`;
    const nearest = nearestFlag(name, definitions);
    return nearest === undefined ? `unknown flag --${name}` : `unknown flag --${name} (did you mean --${nearest}?)`;
  });
  return parts.join('; ');
}

/** The flag at the smallest edit distance, if at most 2 (or a third of the name, for long names). */
function nearestFlag(name: string, definitions: readonly FlagDefinition[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const definition of definitions) {
    const distance = editDistance(name, definition.name);
    if (distance < bestDistance) {
      best = definition.name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function buildParser(version: string): Argv {
  return yargs()
    .scriptName('otel-dp')
    .usage('$0 <command> [flags]')
    .command('run', 'Receive OTLP metrics, privatize them per API token, export them', (command) =>
      withFlags(command, RUN_FLAGS)
        .option('print-config', { type: 'boolean', group: 'General:', describe: 'Print the configuration in effect, with where each value came from (flag, variable, --config file, default), and exit.' })
        .usage('$0 run [flags]')
        .epilogue(ENV_EPILOGUE),
    )
    .command('demo', 'Run a sidecar and a synthetic application side by side, and print each window', (command) =>
      withFlags(command, DEMO_FLAGS).usage('$0 demo [flags]').epilogue(ENV_EPILOGUE),
    )
    .command('simulate', 'Replay recorded OTLP/JSON requests offline and print what each window would release', (command) =>
      withFlags(command, SIMULATE_FLAGS).usage('$0 simulate --input FILE [flags]').epilogue(ENV_EPILOGUE),
    )
    .command('plan', 'Print the noise and release chances the privacy flags give, without running anything', (command) =>
      withFlags(withFlags(command, PLAN_FLAGS), PLAN_IGNORED_FLAGS, true).usage('$0 plan [flags]').epilogue(`${PLAN_EPILOGUE}\n\n${ENV_EPILOGUE}`),
    )
    .demandCommand(1, 1, `choose a command: ${COMMAND_LIST}`, `give one command: ${COMMAND_LIST}`)
    .strict()
    .parserConfiguration({
      // Dashed names only: `--maxSeriesPerToken` is an unknown flag, not an alias.
      'camel-case-expansion': false,
      // `--clip a=0:1 b` is one clip rule and a stray argument, never two rules.
      'greedy-arrays': false,
      // No flag is a boolean: `--no-x` is an unknown flag, not x=false.
      'boolean-negation': false,
      // Values stay text (`010`, `1e9`) and are parsed later, with the flag named in any error.
      'parse-numbers': false,
    })
    .version(version)
    .help()
    // yargs' own wrapping (ESM build) cuts words in half; descriptions are wrapped here instead.
    .wrap(null)
    .exitProcess(false);
}

const PLAN_EPILOGUE = wrapWords(
  `run's other release flags (${PLAN_IGNORED_FLAGS.map((flag) => `--${flag.name}`).join(', ')}) are accepted and ignored: they do not change the plan.`,
  HELP_TEXT_WIDTH,
);

/** `hidden`: accepted but left out of --help. */
function withFlags(command: Argv, definitions: readonly FlagDefinition[], hidden = false): Argv {
  for (const definition of definitions) {
    // No `type`: every value is read as text and checked later, in one place,
    // also when it comes from the environment.
    const option: Options = {
      array: definition.repeatable === true,
      requiresArg: true,
      group: `${definition.group}:`,
      describe: wrapWords(`${definition.description} [${definition.value}]`, HELP_TEXT_WIDTH),
      hidden,
    };
    const shownDefault = definition.defaultNote ?? definition.default;
    if (shownDefault !== undefined) option.defaultDescription = shownDefault;
    command.option(definition.name, option);
  }
  return command;
}

function wrapWords(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join('\n');
}
