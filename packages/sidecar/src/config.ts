import { DEFAULT_DP_CONFIG, type DpProcessorConfig } from '@otel-dp/processor-dp';
import type { OtlpReceiverConfig } from '@otel-dp/receiver-otlp';
import { buildExporterSetting, type ExporterSetting } from './exporter-config.js';
import { defaulted, type Environment, type FlagReader } from './flag-input.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';
import { buildDpProcessorConfig } from './processor-config.js';
import { buildReceiverConfig } from './receiver-config.js';
import { currentLocalHost, type LocalHost } from './self-export.js';

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
