import { AggregationTemporality, type ExportMetricsServiceRequest, type KeyValue, type Metric, type ResourceMetrics } from '@otel-dp/otlp';

/** Shape of the traffic an instrumented service sends. */
export interface WorkloadShape {
  /** Distinct API tokens across all requests. Default 1000. */
  tokens: number;
  /** Metrics in one request. Default 20. */
  metricsPerRequest: number;
  /** Data points per metric in one request. Default 50. */
  pointsPerMetric: number;
}

export const DEFAULT_WORKLOAD: WorkloadShape = Object.freeze({ tokens: 1000, metricsPerRequest: 20, pointsPerMetric: 50 });

export const TOKEN_ATTRIBUTE = 'api.token';

type MetricKind = 'cumulative-sum' | 'delta-sum' | 'gauge' | 'histogram';

/**
 * The metric mix of one request, repeated when a request holds more metrics:
 * mostly counters (cumulative from the Java and Go SDKs, delta from .NET and
 * JS configured for it), a few gauges and latency histograms.
 */
const METRIC_MIX: ReadonlyArray<{ name: string; kind: MetricKind; unit: string }> = [
  { name: 'http.server.request.count', kind: 'cumulative-sum', unit: '{request}' },
  { name: 'http.server.request.duration', kind: 'histogram', unit: 's' },
  { name: 'http.server.request.body.size', kind: 'delta-sum', unit: 'By' },
  { name: 'http.server.response.body.size', kind: 'delta-sum', unit: 'By' },
  { name: 'api.calls', kind: 'cumulative-sum', unit: '{call}' },
  { name: 'api.errors', kind: 'cumulative-sum', unit: '{error}' },
  { name: 'api.quota.used', kind: 'gauge', unit: '1' },
  { name: 'db.client.operation.duration', kind: 'histogram', unit: 's' },
  { name: 'db.client.operations', kind: 'cumulative-sum', unit: '{operation}' },
  { name: 'cache.hits', kind: 'delta-sum', unit: '{hit}' },
  { name: 'cache.misses', kind: 'delta-sum', unit: '{miss}' },
  { name: 'queue.enqueued', kind: 'cumulative-sum', unit: '{message}' },
  { name: 'queue.wait.duration', kind: 'histogram', unit: 's' },
  { name: 'rpc.client.calls', kind: 'cumulative-sum', unit: '{call}' },
  { name: 'rpc.client.bytes', kind: 'delta-sum', unit: 'By' },
  { name: 'api.rate_limited', kind: 'cumulative-sum', unit: '{request}' },
  { name: 'api.concurrency', kind: 'gauge', unit: '{request}' },
  { name: 'billing.units', kind: 'delta-sum', unit: '{unit}' },
  { name: 'export.duration', kind: 'histogram', unit: 's' },
  { name: 'api.retries', kind: 'cumulative-sum', unit: '{retry}' },
];

const ROUTES = ['/v1/users', '/v1/users/{id}', '/v1/orders', '/v1/orders/{id}', '/v1/search', '/v1/reports', '/v1/health', '/v1/events'];
const METHODS = ['GET', 'POST', 'PUT'];
const STATUS_CODES = [200n, 404n, 500n];
const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-south-1'];
const HISTOGRAM_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The fixed start of every cumulative stream, in ns since the epoch. */
const START_TIME_UNIX_NANO = 1_700_000_000_000_000_000n;
/** The time of every point as built; senders move it forward on each resend (see `payloads.ts`). */
export const TIME_UNIX_NANO = START_TIME_UNIX_NANO + 60_000_000_000n;

/** A 32-character token value, the length of a typical API key. */
export function tokenValue(index: number): string {
  return `bench-token-${index.toString(16).padStart(20, '0')}`;
}

/**
 * The requests a load generator cycles through: each holds
 * `metricsPerRequest` metrics of `pointsPerMetric` points, each point
 * tagged with one token and 2 to 4 more attributes (3 to 5 in all). Together
 * they cover every token once per metric, so every (token, series) pair
 * appears in exactly one request and resending a cumulative point never
 * looks like a counter reset.
 */
export function buildWorkload(shape: WorkloadShape = DEFAULT_WORKLOAD): ExportMetricsServiceRequest[] {
  const count = Math.ceil(shape.tokens / shape.pointsPerMetric);
  const requests: ExportMetricsServiceRequest[] = [];
  for (let r = 0; r < count; r++) {
    const metrics: Metric[] = [];
    for (let m = 0; m < shape.metricsPerRequest; m++) {
      const firstToken = r * shape.pointsPerMetric;
      metrics.push(buildMetric(m, firstToken, shape));
    }
    requests.push({ resourceMetrics: [resourceMetrics(metrics)] });
  }
  return requests;
}

/** The resource both workloads' requests describe, as an SDK on one pod sets it. */
export function benchResourceAttributes(): KeyValue[] {
  return [
    stringAttribute('service.name', 'checkout-api'),
    stringAttribute('service.instance.id', 'checkout-api-7c9f6d5b8-x2k4q'),
    stringAttribute('host.name', 'ip-10-0-12-34'),
    stringAttribute('telemetry.sdk.language', 'nodejs'),
  ];
}

function resourceMetrics(metrics: Metric[]): ResourceMetrics {
  return {
    resource: {
      attributes: benchResourceAttributes(),
      droppedAttributesCount: 0,
    },
    scopeMetrics: [
      { scope: { name: 'checkout-api-instrumentation', version: '2.3.1', attributes: [], droppedAttributesCount: 0 }, metrics, schemaUrl: '' },
    ],
    schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
  };
}

function buildMetric(m: number, firstToken: number, shape: WorkloadShape): Metric {
  const spec = METRIC_MIX[m % METRIC_MIX.length];
  const name = m < METRIC_MIX.length ? spec.name : `${spec.name}.${Math.floor(m / METRIC_MIX.length)}`;
  const base: Metric = { name, description: '', unit: spec.unit, metadata: [] };
  const tokens: number[] = [];
  for (let p = 0; p < shape.pointsPerMetric; p++) tokens.push((firstToken + p) % shape.tokens);
  switch (spec.kind) {
    case 'cumulative-sum':
      return {
        ...base,
        sum: {
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          isMonotonic: true,
          dataPoints: tokens.map((t) => ({ ...pointBase(t, m), asInt: BigInt(1 + ((t * 7 + m) % 500)) })),
        },
      };
    case 'delta-sum':
      return {
        ...base,
        sum: {
          aggregationTemporality: AggregationTemporality.DELTA,
          isMonotonic: true,
          dataPoints: tokens.map((t) => ({ ...pointBase(t, m), asDouble: 0.5 + ((t * 13 + m) % 1000) })),
        },
      };
    case 'gauge':
      return { ...base, gauge: { dataPoints: tokens.map((t) => ({ ...pointBase(t, m), asDouble: ((t * 3 + m) % 100) / 100 })) } };
    case 'histogram':
      return {
        ...base,
        histogram: { aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPoints: tokens.map((t) => histogramPoint(t, m)) },
      };
  }
}

function pointBase(token: number, metric: number) {
  return { attributes: pointAttributes(token, metric), startTimeUnixNano: START_TIME_UNIX_NANO, timeUnixNano: TIME_UNIX_NANO, exemplars: [], flags: 0 };
}

function histogramPoint(token: number, metric: number) {
  const bucketCounts: bigint[] = [];
  let count = 0n;
  for (let b = 0; b <= HISTOGRAM_BOUNDS.length; b++) {
    const n = BigInt((token + metric + b * 5) % 9);
    bucketCounts.push(n);
    count += n;
  }
  return { ...pointBase(token, metric), count, sum: Number(count) * 0.042, bucketCounts, explicitBounds: HISTOGRAM_BOUNDS, min: 0.001, max: 4.2 };
}

/** The token and 2 to 4 more attributes, by metric: 3, 4 or 5 in all. */
function pointAttributes(token: number, metric: number): KeyValue[] {
  const attributes = [stringAttribute(TOKEN_ATTRIBUTE, tokenValue(token)), stringAttribute('http.route', ROUTES[(token + metric) % ROUTES.length])];
  const extra = metric % 3;
  attributes.push(stringAttribute('http.request.method', METHODS[token % METHODS.length]));
  if (extra >= 1) attributes.push({ key: 'http.response.status_code', value: { intValue: STATUS_CODES[(token >> 1) % STATUS_CODES.length] } });
  if (extra >= 2) attributes.push(stringAttribute('cloud.region', REGIONS[token % REGIONS.length]));
  return attributes;
}

function stringAttribute(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}
