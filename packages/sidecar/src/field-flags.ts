import type { AdminSetting } from '@otel-dp/admin';
import type { DpConfigField, SpanMetricsOptions } from '@otel-dp/processor-dp';
import type { ReceiverConfigField } from '@otel-dp/receiver-otlp';

/**
 * The one mapping from the components' configuration fields to the flags
 * that set them (names without dashes, as in `flags/`). The components name
 * their fields in errors and in the limits they tell clients; the sidecar
 * gives them these names instead, so users read the flag they typed. A
 * field no flag sets (fixed by the sidecar, or derived from another
 * setting) maps to {@link NOT_EXPOSED}.
 */
export const NOT_EXPOSED = null;

export type FieldFlags<Field extends string> = Readonly<Record<Field, string | typeof NOT_EXPOSED>>;

export const PROCESSOR_FIELD_FLAGS: FieldFlags<DpConfigField> = {
  windowMillis: 'window',
  tokenAttribute: 'token-attribute',
  untokened: 'untokened',
  maxSeriesPerToken: 'max-series-per-token',
  clip: 'clip',
  mechanism: 'mechanism',
  epsilon: 'epsilon',
  delta: 'delta',
  outputTemporality: 'output-temporality',
  counterProjection: 'counter-projection',
  undeclaredSeries: 'undeclared-series',
  exportStdErr: 'export-stderr',
  clipCount: 'clip-count',
  gaugeAggregation: 'gauge-aggregation',
  exponentialHistogramScale: 'exp-histogram-scale',
  exponentialHistogramBuckets: 'exp-histogram-buckets',
  publicAttributes: 'public-attribute',
  dropAttributes: 'drop-attribute',
  keepAttributes: 'keep-attributes',
  budgetHorizonMillis: 'budget-horizon',
  maxEpsilonHorizon: 'max-epsilon-horizon',
  stateDir: 'state-dir',
  startFreshBudget: 'start-fresh-budget',
  maxTokens: 'max-tokens',
  maxSeries: 'max-series',
  maxWindowBytes: 'max-window-bytes',
};

/** The receiver's fields; `tls` is made of the three files' flags. */
export const RECEIVER_FIELD_FLAGS: FieldFlags<ReceiverConfigField> = {
  httpListen: 'http-listen',
  grpcListen: 'grpc-listen',
  maxRequestBytes: 'max-request-bytes',
  maxGzipRatio: 'max-gzip-ratio',
  maxAttributesPerPoint: 'max-attributes-per-point',
  maxAttributeValueLength: 'max-attribute-value-length',
  maxMessagesPerRequest: 'max-messages-per-request',
  tls: NOT_EXPOSED,
  'tls.certFile': 'tls-cert',
  'tls.keyFile': 'tls-key',
  'tls.clientCaFile': 'tls-client-ca',
  maxInflightBytes: 'max-inflight-bytes',
  maxConnections: 'max-connections',
  grpcMaxConcurrentStreams: 'grpc-max-concurrent-streams',
  grpcMaxConnectionIdleMs: 'grpc-max-connection-idle',
  grpcKeepaliveTimeMs: 'grpc-keepalive-time',
  grpcKeepaliveTimeoutMs: 'grpc-keepalive-timeout',
  grpcKeepaliveMinTimeMs: 'grpc-keepalive-min-time',
};

/** The span metrics options; the token settings and the exponential layout are the processor's flags. */
export const SPAN_METRICS_FIELD_FLAGS: FieldFlags<keyof SpanMetricsOptions> = {
  tokenAttribute: 'token-attribute',
  untokened: 'untokened',
  timeUnixNano: NOT_EXPOSED,
  durationBoundsMs: NOT_EXPOSED,
  spanDimensions: 'span-dimension',
  spanKinds: 'span-kinds',
  durationHistogram: 'span-duration-histogram',
  exponentialScale: 'exp-histogram-scale',
  exponentialMaxBuckets: 'exp-histogram-buckets',
};

/**
 * The admin endpoint's settings, and the processor settings its status page
 * points to; the history it keeps is fixed by the sidecar.
 */
export const ADMIN_FIELD_FLAGS: FieldFlags<AdminSetting> = {
  listen: 'admin-listen',
  windowHistoryCapacity: NOT_EXPOSED,
  windowMillis: 'window',
  endpoint: 'self-telemetry-endpoint',
  undeclaredSeries: 'undeclared-series',
  publicAttributes: 'public-attribute',
};

/** The settings of `otel-dp simulate` and `otel-dp plan` beside the processor's. */
export const OFFLINE_FIELD_FLAGS: FieldFlags<'runs' | 'tokens'> = {
  runs: 'runs',
  tokens: 'tokens',
};

/** The flag that sets `field`, without dashes; undefined when none does. */
export function flagOf<Field extends string>(table: FieldFlags<Field>, field: string): string | undefined {
  return Object.hasOwn(table, field) ? (table[field as Field] ?? undefined) : undefined;
}

/**
 * What components call their settings when the sidecar runs them: `--flag`,
 * or the field's own name when no flag sets it.
 */
export function flagNames<Field extends string>(table: FieldFlags<Field>): (field: Field) => string {
  return (field) => {
    const flag = flagOf(table, field);
    return flag === undefined ? field : `--${flag}`;
  };
}

export const processorSettingName = flagNames(PROCESSOR_FIELD_FLAGS);
export const receiverSettingName = flagNames(RECEIVER_FIELD_FLAGS);
export const adminSettingName = flagNames(ADMIN_FIELD_FLAGS);
export const offlineSettingName = flagNames<DpConfigField | 'runs' | 'tokens'>({ ...PROCESSOR_FIELD_FLAGS, ...OFFLINE_FIELD_FLAGS });
