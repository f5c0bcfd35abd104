import type { ConfigValue } from '@otel-dp/admin';
import type { RetryConfig } from '@otel-dp/exporter-helper';
import { DEFAULT_CLIP, SPAN_KIND_NAMES, SPAN_METRICS_CLIP_COUNT_RULES, SPAN_METRICS_CLIP_RULES, type DpProcessorConfig } from '@otel-dp/processor-dp';
import { formatListenAddress, type ListenAddress, type OtlpReceiverConfig } from '@otel-dp/receiver-otlp';
import type { RunConfig } from '../config.js';
import type { DeliveryConfig } from '../delivery-config.js';
import { formatDuration } from '../duration.js';
import { describeEndpoint } from '../otlp-exporter-config.js';
import { DEFAULT_SPAN_METRICS_SETTINGS, type SpanMetricsSettings } from '../span-metrics-config.js';

/** What the status page shows for a header value. */
const MASK = '***';

/**
 * The configuration `otel-dp run` runs with, by flag name, for the status
 * page: each value as the components received it (defaults and environment
 * included). URLs lose their credentials and query, headers their values;
 * file paths are shown, never the files' contents.
 */
export function configInEffect(config: RunConfig): Record<string, ConfigValue> {
  const { admin } = config;
  return {
    ...receiverShown(config.receiver),
    ...processorShown(config.processor),
    ...spansShown(config.spans ?? DEFAULT_SPAN_METRICS_SETTINGS),
    ...deliveryShown(config.delivery),
    'admin-listen': listenText(admin.listen),
    'self-telemetry-endpoint': admin.selfTelemetry === undefined ? 'off' : describeEndpoint(admin.selfTelemetry.endpoint),
    ...(admin.selfTelemetry === undefined ? {} : { 'self-telemetry-interval': formatDuration(admin.selfTelemetry.intervalMillis) }),
    'log-level': config.logLevel,
    'log-format': config.logFormat,
  };
}

function spansShown(spans: SpanMetricsSettings): Record<string, ConfigValue> {
  return {
    'span-dimension': spans.spanDimensions.length === 0 ? 'none' : spans.spanDimensions,
    'span-kinds': spans.spanKinds === undefined ? 'all' : spans.spanKinds.map((kind) => SPAN_KIND_NAMES[kind]).join(','),
    'span-duration-histogram': spans.durationHistogram,
  };
}

function receiverShown(receiver: OtlpReceiverConfig): Record<string, ConfigValue> {
  const shown: Record<string, ConfigValue> = {
    'http-listen': listenText(receiver.httpListen),
    'grpc-listen': listenText(receiver.grpcListen),
    'max-request-bytes': receiver.maxRequestBytes,
  };
  if (receiver.maxGzipRatio !== undefined) shown['max-gzip-ratio'] = receiver.maxGzipRatio;
  if (receiver.maxAttributesPerPoint !== undefined) shown['max-attributes-per-point'] = receiver.maxAttributesPerPoint;
  if (receiver.maxAttributeValueLength !== undefined) shown['max-attribute-value-length'] = receiver.maxAttributeValueLength;
  shown.tls = receiver.tls === undefined ? 'off' : receiver.tls.clientCaFile === undefined ? 'on' : 'on, client certificate required';
  return shown;
}

function processorShown(processor: DpProcessorConfig): Record<string, ConfigValue> {
  const shown: Record<string, ConfigValue> = {
    window: formatDuration(processor.windowMillis),
    epsilon: processor.epsilon,
    delta: processor.delta,
    mechanism: processor.mechanism,
    'max-series-per-token': processor.maxSeriesPerToken,
    clip: [
      ...processor.clip.map((rule) => `${rule.pattern}=${rule.lower}:${rule.upper}`),
      ...SPAN_METRICS_CLIP_RULES.map((rule) => `${rule.pattern}=${rule.lower}:${rule.upper} (span metrics default)`),
      `*=${DEFAULT_CLIP.lower}:${DEFAULT_CLIP.upper} (default)`,
    ],
    'token-attribute': processor.tokenAttribute,
    untokened: processor.untokened,
    'output-temporality': processor.outputTemporality,
    'counter-projection': processor.counterProjection ?? 'monotone',
    'undeclared-series': processor.undeclaredSeries ?? 'select',
    'export-stderr': processor.exportStdErr ?? false,
    'max-epsilon-horizon': processor.maxEpsilonHorizon ?? 'no cap',
    'state-dir': processor.stateDir ?? 'none (ledger in memory)',
  };
  const optional: Record<string, ConfigValue | undefined> = {
    'clip-count': [
      ...(processor.clipCount ?? []).map((rule) => `${rule.pattern}=${rule.count}`),
      ...SPAN_METRICS_CLIP_COUNT_RULES.map((rule) => `${rule.pattern}=${rule.count} (span metrics default)`),
    ],
    'gauge-aggregation': processor.gaugeAggregation?.map((rule) => `${rule.pattern}=${rule.aggregation}`),
    'public-attribute': processor.publicAttributes && Object.entries(processor.publicAttributes).map(([key, values]) => `${key}=${values.join(',')}`),
    'drop-attribute': processor.dropAttributes,
    'keep-attributes': processor.keepAttributes,
    'exp-histogram-scale': processor.exponentialHistogramScale,
    'exp-histogram-buckets': processor.exponentialHistogramBuckets,
    'max-tokens': processor.maxTokens,
    'max-series': processor.maxSeries,
    'max-window-bytes': processor.maxWindowBytes,
    'budget-horizon': processor.budgetHorizonMillis === undefined ? undefined : formatDuration(processor.budgetHorizonMillis),
    'start-fresh-budget': processor.startFreshBudget === undefined ? undefined : processor.startFreshBudget ? 'yes' : 'no',
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) shown[key] = value;
  }
  return shown;
}

function deliveryShown(delivery: DeliveryConfig): Record<string, ConfigValue> {
  const shown: Record<string, ConfigValue> = {
    exporter: delivery.exporters.map((exporter) => exporter.kind),
    'exporter-queue-size': delivery.queueSize,
    'exporter-queue-dir': delivery.queueDir ?? 'none (queues in memory)',
  };
  for (const exporter of delivery.exporters) {
    if (exporter.kind === 'otlp') {
      const { endpoint, protocol, headers, compression, timeoutMillis, retry } = exporter.config;
      Object.assign(shown, retryShown(retry), {
        'otlp-endpoint': describeEndpoint(endpoint),
        'otlp-protocol': protocol,
        'otlp-header': maskedHeaders(headers),
        'otlp-compression': compression,
        'otlp-timeout': formatDuration(timeoutMillis),
      });
    } else if (exporter.kind === 'prometheus-remote-write') {
      const { url, headers, retry } = exporter.config;
      Object.assign(shown, retry === undefined ? {} : retryShown(retry), {
        'remote-write-url': describeEndpoint(url),
        'remote-write-header': maskedHeaders(headers ?? {}),
      });
    }
  }
  return shown;
}

function retryShown(retry: RetryConfig): Record<string, ConfigValue> {
  return {
    'retry-initial-interval': formatDuration(retry.initialIntervalMillis),
    'retry-max-interval': formatDuration(retry.maxIntervalMillis),
    'retry-max-elapsed': retry.maxElapsedMillis === 0 ? '0s (until shutdown)' : formatDuration(retry.maxElapsedMillis),
  };
}

function maskedHeaders(headers: Record<string, string>): string[] {
  return Object.keys(headers).map((name) => `${name}=${MASK}`);
}

function listenText(listen: ListenAddress | 'off'): string {
  return listen === 'off' ? 'off' : formatListenAddress(listen);
}
