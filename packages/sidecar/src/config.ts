import { DEFAULT_DP_CONFIG, type DpProcessorConfig } from '@otel-dp/processor-dp';
import type { OtlpReceiverConfig } from '@otel-dp/receiver-otlp';
import { buildAdminSetting, type AdminSetting } from './admin-config.js';
import { buildDeliveryConfig, type DeliveryConfig } from './delivery-config.js';
import { defaulted, type Environment, type FlagReader } from './flag-input.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './logger.js';
import { buildDpProcessorConfig } from './processor-config.js';
import { buildReceiverConfig } from './receiver-config.js';
import { buildSpanMetricsSettings, type SpanMetricsSettings } from './span-metrics-config.js';
import { currentLocalHost, type LocalHost, type OwnListener } from './self-export.js';

/** Everything `otel-dp run` needs, checked: each component's own configuration. */
export interface RunConfig {
  receiver: OtlpReceiverConfig;
  /** As given: the span metrics' clip defaults are added when the processor is built (`withSpanMetricsClipDefaults`). */
  processor: DpProcessorConfig;
  /** How received spans become span metrics; default {@link DEFAULT_SPAN_METRICS_SETTINGS}. */
  spans?: SpanMetricsSettings;
  delivery: DeliveryConfig;
  admin: AdminSetting;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/**
 * Turns the flags of `otel-dp run` into the components' configurations,
 * checking every value with the components' own validators.
 * @param local this machine's names, for the check that no destination
 *   (exporter, self-telemetry) points at the sidecar's own listeners.
 *   Default: read from the OS.
 * @throws {UsageError} naming the first flag (or variable) at fault.
 */
export function buildRunConfig(flags: FlagReader, env: Environment, local: LocalHost = currentLocalHost()): RunConfig {
  const receiver = buildReceiverConfig(flags);
  const processor = buildDpProcessorConfig(flags, DEFAULT_DP_CONFIG);
  const spans = buildSpanMetricsSettings(flags, processor);
  const receivers: OwnListener[] = [
    { flag: flags.label('http-listen'), address: receiver.httpListen },
    { flag: flags.label('grpc-listen'), address: receiver.grpcListen },
  ];
  const admin = buildAdminSetting(flags, receivers, local);
  const delivery = buildDeliveryConfig(flags, env, [...receivers, { flag: flags.label('admin-listen'), address: admin.listen }], local);
  return { receiver, processor, spans, delivery, admin, ...readLogFlags(flags) };
}

/** `--log-level` and `--log-format`, which every command that logs has. */
export function readLogFlags(flags: FlagReader): { logLevel: LogLevel; logFormat: LogFormat } {
  return {
    logLevel: defaulted(flags.choice('log-level', LOG_LEVELS), 'log-level'),
    logFormat: defaulted(flags.choice('log-format', LOG_FORMATS), 'log-format'),
  };
}
