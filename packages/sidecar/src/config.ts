import {
  DEFAULT_DP_CONFIG,
  parseClipRule,
  validateDpProcessorConfig,
  type ClipRule,
  type DpProcessorConfig,
} from '@otel-dp/processor-dp';
import { DEFAULT_RECEIVER_CONFIG, parseListenAddress, type ListenAddress, type OtlpReceiverConfig } from '@otel-dp/receiver-otlp';
import { buildExporterSetting, type ExporterSetting } from './exporter-config.js';
import { asUsageError, defaulted, type Environment, type FlagReader } from './flag-input.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';
import { MECHANISMS, OUTPUT_TEMPORALITIES, UNTOKENED_POLICIES } from './options.js';
import { currentLocalHost, type LocalHost } from './self-export.js';
import { UsageError } from './usage-error.js';

/** Everything `otel-dp run` needs, checked: each component's own configuration. */
export interface RunConfig {
  receiver: OtlpReceiverConfig;
  processor: DpProcessorConfig;
  exporter: ExporterSetting;
  logLevel: LogLevel;
}

/**
 * Turns the flags of `otel-dp run` into the components' configurations,
 * checking every value with the components' own validators.
 * @param local this machine's names, for the check that the exporter does not
 *   point at the sidecar's own listeners. Default: read from the OS.
 * @throws {UsageError} naming the first flag (or variable) at fault.
 */
export function buildRunConfig(flags: FlagReader, env: Environment, local: LocalHost = currentLocalHost()): RunConfig {
  const receiver = buildReceiverConfig(flags);
  const processor = buildDpProcessorConfig(flags, DEFAULT_DP_CONFIG);
  const exporter = buildExporterSetting(
    flags,
    env,
    [
      { flag: flags.label('http-listen'), address: receiver.httpListen },
      { flag: flags.label('grpc-listen'), address: receiver.grpcListen },
    ],
    local,
  );
  return { receiver, processor, exporter, logLevel: defaulted(flags.choice('log-level', LOG_LEVELS), 'log-level') };
}

function buildReceiverConfig(flags: FlagReader): OtlpReceiverConfig {
  const listen = (name: string, fallback: ListenAddress | 'off'): ListenAddress | 'off' =>
    flags.parse(name, (text, label) => parseListenAddress(text, label)) ?? fallback;
  const httpListen = listen('http-listen', DEFAULT_RECEIVER_CONFIG.httpListen);
  const grpcListen = listen('grpc-listen', DEFAULT_RECEIVER_CONFIG.grpcListen);
  if (httpListen === 'off' && grpcListen === 'off') {
    throw new UsageError('--http-listen and --grpc-listen are both off: nothing could be received');
  }
  if (httpListen !== 'off' && grpcListen !== 'off' && httpListen.port !== 0 && sameAddress(httpListen, grpcListen)) {
    throw new UsageError(`--http-listen and --grpc-listen are both ${flags.text('http-listen')}: they need different ports`);
  }
  const maxRequestBytes = flags.whole('max-request-bytes', 1) ?? DEFAULT_RECEIVER_CONFIG.maxRequestBytes;
  return { httpListen, grpcListen, maxRequestBytes };
}

function sameAddress(a: ListenAddress, b: ListenAddress): boolean {
  return a.port === b.port && a.host.toLowerCase() === b.host.toLowerCase();
}

/**
 * The privacy flags over `base`: a flag the command does not define keeps the
 * base value (the demo fixes the token attribute, for instance).
 * @throws {UsageError} from the processor's validation, naming the flag.
 */
export function buildDpProcessorConfig(flags: FlagReader, base: DpProcessorConfig): DpProcessorConfig {
  const config: DpProcessorConfig = {
    windowMillis: flags.durationMillis('window') ?? base.windowMillis,
    tokenAttribute: flags.text('token-attribute') ?? base.tokenAttribute,
    untokened: flags.choice('untokened', UNTOKENED_POLICIES) ?? base.untokened,
    maxSeriesPerToken: flags.whole('max-series-per-token', 0) ?? base.maxSeriesPerToken,
    clip: flags.has('clip') ? parseClipRules(flags) : [...base.clip],
    mechanism: flags.choice('mechanism', MECHANISMS) ?? base.mechanism,
    epsilon: flags.number('epsilon') ?? base.epsilon,
    delta: flags.number('delta') ?? base.delta,
    outputTemporality: flags.choice('output-temporality', OUTPUT_TEMPORALITIES) ?? base.outputTemporality,
  };
  try {
    validateDpProcessorConfig(config);
  } catch (error) {
    throw withVariableHint(error, flags);
  }
  return config;
}

function parseClipRules(flags: FlagReader): ClipRule[] {
  const label = flags.label('clip');
  return flags.list('clip').map((text) => {
    try {
      return parseClipRule(text, label);
    } catch (error) {
      throw asUsageError(error, label);
    }
  });
}

/**
 * The processor names the flag (`--epsilon is 0, …`); when the value came
 * from a variable, say which, or the user looks for a flag they never gave.
 */
function withVariableHint(error: unknown, flags: FlagReader): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const flag = /^--([a-z-]+)/.exec(message)?.[1];
  if (flag !== undefined && flags.isExplicit(flag) && flags.label(flag) !== `--${flag}`) {
    return new UsageError(`${message} (set by ${flags.label(flag)})`, { cause: error });
  }
  return new UsageError(message, { cause: error });
}
