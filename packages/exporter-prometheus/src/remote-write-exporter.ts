import { RetryingExporter, type UniformSource } from '@otel-dp/exporter-helper';
import { silentLogger, type Logger } from '@otel-dp/pipeline';
import { resolveRemoteWriteConfig, type PrometheusRemoteWriteConfig } from './config.js';
import { RemoteWriteTransport, type RemoteWriteTranslationStats } from './remote-write-transport.js';
import { DROP_REASONS } from './translate-metric.js';

export interface PrometheusRemoteWriteExporterOptions {
  /** Start/stop at info, points dropped in translation at warn, retries at debug. Default: silent. */
  logger?: Logger;
  /** Uniform draws in [0, 1) for backoff jitter. Default: node:crypto. */
  random?: UniformSource;
  /** How long `shutdown()` lets attempts on the wire finish, in milliseconds. Default 5000; 0 aborts them at once. */
  shutdownTimeoutMillis?: number;
}

/**
 * Sends each batch to a Prometheus remote-write receiver (remote write 1.0:
 * protobuf WriteRequest, snappy block compression). Translation follows the
 * OpenTelemetry specification's Prometheus compatibility rules (see
 * translate.ts and metric-name.ts); retries, timeouts and shutdown are those
 * of {@link RetryingExporter}. A batch goes out as one request.
 *
 * Delta sums and histograms and exponential histograms cannot be written
 * and are dropped and counted in {@link stats}; configure the processor for
 * cumulative output (its default).
 *
 * The constructor throws an ExporterError with code EXPORT_CONFIG_INVALID
 * naming a bad field.
 */
export class PrometheusRemoteWriteExporter extends RetryingExporter {
  private readonly remoteWrite: RemoteWriteTransport;

  constructor(config: PrometheusRemoteWriteConfig, options: PrometheusRemoteWriteExporterOptions = {}) {
    const { config: resolved, url } = resolveRemoteWriteConfig(config);
    const transport = new RemoteWriteTransport(url, resolved, options.logger ?? silentLogger);
    super(transport, {
      label: 'Prometheus remote-write exporter',
      // Credentials may sit in the userinfo or the query string; logs get neither.
      describe: { endpoint: `${url.origin}${url.pathname}`, headers: Object.keys(resolved.headers) },
      retry: resolved.retry,
      timeoutMillis: resolved.timeoutMillis,
      logger: options.logger,
      random: options.random,
      shutdownTimeoutMillis: options.shutdownTimeoutMillis,
    });
    this.remoteWrite = transport;
  }

  /** What translation dropped or merged so far, for the admin endpoint (see REMOTE_WRITE_METRICS). */
  stats(): RemoteWriteTranslationStats {
    return this.remoteWrite.stats();
  }
}

/** How the counters of {@link PrometheusRemoteWriteExporter.stats} are published. */
export const REMOTE_WRITE_METRICS = Object.freeze({
  droppedMetricPoints: {
    name: 'otelcol_exporter_prometheusremotewrite_dropped_metric_points',
    type: 'counter',
    help: 'Metric points not written, by reason.',
    label: 'reason',
    reasons: DROP_REASONS,
  },
  duplicateSamples: {
    name: 'otelcol_exporter_prometheusremotewrite_duplicate_samples',
    type: 'counter',
    help: 'Samples that repeated a series and timestamp in one request; the last was kept.',
  },
  translatedTimeSeries: {
    name: 'otelcol_exporter_prometheusremotewrite_translated_time_series',
    type: 'counter',
    help: 'Time series written into remote-write requests.',
  },
} as const);
