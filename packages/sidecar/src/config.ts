import { DEFAULT_DP_CONFIG, type DpProcessorConfig } from '@otel-dp/processor-dp';
import { DEFAULT_RECEIVER_CONFIG, parseListenAddress, type ListenAddress, type OtlpReceiverConfig } from '@otel-dp/receiver-otlp';
import { buildExporterSetting, type ExporterSetting } from './exporter-config.js';
import { defaulted, type Environment, type FlagReader } from './flag-input.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';
import { buildDpProcessorConfig } from './processor-config.js';
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
