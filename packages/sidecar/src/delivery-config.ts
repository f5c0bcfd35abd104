import { DEFAULT_RETRY, type RetryConfig } from '@otel-dp/exporter-helper';
import type { OtlpExporterConfig } from '@otel-dp/exporter-otlp';
import type { PrometheusRemoteWriteConfig } from '@otel-dp/exporter-prometheus';
import { formatDuration } from './duration.js';
import { defaulted, type Environment, type FlagReader } from './flag-input.js';
import { parseChoiceValue } from './flag-values.js';
import { buildOtlpExporterConfig, readOtlpSettings } from './otlp-exporter-config.js';
import { EXPORTER_KINDS } from './options.js';
import { buildRemoteWriteConfig, readRemoteWriteHeaders } from './remote-write-config.js';
import type { LocalHost, OwnListener } from './self-export.js';
import { UsageError } from './usage-error.js';

export type ExporterKind = (typeof EXPORTER_KINDS)[number];

/** One destination of released windows, with its configuration. */
export type ExporterSetting =
  | { kind: 'debug' }
  | { kind: 'otlp'; config: OtlpExporterConfig }
  | { kind: 'prometheus-remote-write'; config: PrometheusRemoteWriteConfig };

/** Where released windows go, and the queue in front of each destination. */
export interface DeliveryConfig {
  /** In the order given; at least one, no kind twice. */
  exporters: ExporterSetting[];
  /** Windows each exporter's queue holds. */
  queueSize: number;
  /** Parent of the exporters' persistent queues (`<dir>/<kind>`); undefined keeps queues in memory. */
  queueDir: string | undefined;
}

/**
 * The exporter, queue and retry flags as a configuration. Without
 * `--exporter`, every destination that is configured gets its exporter (an
 * OTLP endpoint, a remote-write URL), and the debug exporter when none is.
 * @param listeners the sidecar's own listen addresses: a destination that
 *   reaches one of them is refused.
 * @throws {UsageError} naming the first flag (or variable) at fault.
 */
export function buildDeliveryConfig(flags: FlagReader, env: Environment, listeners: readonly OwnListener[], local: LocalHost): DeliveryConfig {
  const otlp = readOtlpSettings(flags, env);
  const remoteWriteHeaders = readRemoteWriteHeaders(flags);
  const retry = buildRetryConfig(flags);
  const queueSize = defaulted(flags.whole('exporter-queue-size', 1), 'exporter-queue-size');
  const queueDir = flags.text('exporter-queue-dir');
  if (queueDir !== undefined && queueDir.trim() === '') {
    throw new UsageError(`${flags.label('exporter-queue-dir')} is empty: give a directory, or leave it unset for queues in memory`);
  }
  const kinds = exporterKinds(flags, otlp.endpoint !== undefined);
  if (flags.has('remote-write-url') && !kinds.includes('prometheus-remote-write')) {
    throw new UsageError(`${flags.label('remote-write-url')} is set but ${flags.label('exporter')} does not list prometheus-remote-write`);
  }
  const exporters = kinds.map((kind): ExporterSetting => {
    if (kind === 'debug') return { kind };
    if (kind === 'otlp') return { kind, config: buildOtlpExporterConfig(otlp, retry, flags, env, listeners, local) };
    return { kind, config: buildRemoteWriteConfig(flags, remoteWriteHeaders, retry, listeners, local) };
  });
  return { exporters, queueSize, queueDir };
}

function exporterKinds(flags: FlagReader, otlpEndpointSet: boolean): ExporterKind[] {
  if (!flags.has('exporter')) {
    const configured: ExporterKind[] = [];
    if (otlpEndpointSet) configured.push('otlp');
    if (flags.has('remote-write-url')) configured.push('prometheus-remote-write');
    return configured.length === 0 ? ['debug'] : configured;
  }
  return readKinds(flags);
}

function readKinds(flags: FlagReader): ExporterKind[] {
  const label = flags.label('exporter');
  const kinds: ExporterKind[] = [];
  for (const text of flags.list('exporter')) {
    const kind = parseChoiceValue(text, label, EXPORTER_KINDS);
    if (kinds.includes(kind)) throw new UsageError(`${label} lists ${kind} twice, give each exporter once`);
    kinds.push(kind);
  }
  return kinds;
}

/**
 * The retry schedule of the exporters that retry (OTLP, remote write): the
 * collector's defaults for what the flags do not set.
 */
function buildRetryConfig(flags: FlagReader): RetryConfig {
  const initialIntervalMillis = defaulted(flags.durationMillis('retry-initial-interval'), 'retry-initial-interval');
  const maxIntervalMillis = defaulted(flags.durationMillis('retry-max-interval'), 'retry-max-interval');
  const maxElapsedMillis = defaulted(flags.durationMillis('retry-max-elapsed'), 'retry-max-elapsed');
  if (initialIntervalMillis === 0) {
    throw new UsageError(`${flags.label('retry-initial-interval')} is 0s, must be positive`);
  }
  if (maxIntervalMillis < initialIntervalMillis) {
    throw new UsageError(
      `${flags.label('retry-max-interval')} is ${formatDuration(maxIntervalMillis)}, must be at least --retry-initial-interval (${formatDuration(initialIntervalMillis)})`,
    );
  }
  return { ...DEFAULT_RETRY, initialIntervalMillis, maxIntervalMillis, maxElapsedMillis };
}
