import { AggregationTemporality, SpanKind, StatusCode, type ExportMetricsServiceRequest, type ExportTraceServiceRequest, type KeyValue, type Metric, type NumberDataPoint, type Span } from '@otel-dp/otlp';
import { DEFAULT_DP_CONFIG, type DpProcessorConfig } from '../src/index.js';

export const MS = 1_000_000n;

export function attrs(values: Record<string, string | number>): KeyValue[] {
  return Object.entries(values).map(([key, value]) =>
    typeof value === 'string' ? { key, value: { stringValue: value } } : { key, value: { intValue: BigInt(value) } },
  );
}

export function point(value: number, attributes: Record<string, string | number>, times: { start?: bigint; time?: bigint } = {}): NumberDataPoint {
  return { attributes: attrs(attributes), startTimeUnixNano: times.start ?? 0n, timeUnixNano: times.time ?? 0n, asDouble: value, exemplars: [], flags: 0 };
}

export function sumMetric(name: string, points: NumberDataPoint[], temporality: number = AggregationTemporality.DELTA, isMonotonic = true): Metric {
  return { name, description: '', unit: '1', metadata: [], sum: { dataPoints: points, aggregationTemporality: temporality, isMonotonic } };
}

export function request(metrics: Metric[], resource: Record<string, string | number> = { 'service.name': 'api' }, scopeAttributes: Record<string, string | number> = {}): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: attrs(resource), droppedAttributesCount: 0 },
        scopeMetrics: [{ scope: { name: 'test', version: '1', attributes: attrs(scopeAttributes), droppedAttributesCount: 0 }, metrics, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

/**
 * A configuration whose noise is negligible: for checking exact arithmetic
 * through the real calibration. Without the monotone projection, whose lag
 * of half a (tiny) standard deviation would show in exact comparisons.
 */
export function exactConfig(overrides: Partial<DpProcessorConfig> = {}): DpProcessorConfig {
  return { ...DEFAULT_DP_CONFIG, windowMillis: 1000, epsilon: 1e9, clip: [{ pattern: '*', lower: 0, upper: 1000 }], counterProjection: 'none', ...overrides };
}

/** A settable clock. */
export function manualClock(startMillis: number): { now: () => number; set: (millis: number) => void } {
  let current = startMillis;
  return { now: () => current, set: (millis) => (current = millis) };
}

export function routeValues(request: ExportMetricsServiceRequest): Map<string, number> {
  const values = new Map<string, number>();
  for (const resourceMetrics of request.resourceMetrics) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        for (const p of metric.sum?.dataPoints ?? []) {
          const route = p.attributes.find((a) => a.key === 'route')?.value.stringValue ?? '';
          values.set(`${metric.name} ${route}`, p.asDouble!);
        }
      }
    }
  }
  return values;
}

let nextId = 1;

export interface SpanSpec {
  name?: string;
  kind?: number;
  status?: number;
  ms?: number;
  attributes?: Record<string, string | number>;
}

/** A server span of its own ids and times; `ms` is its duration. */
export function span(spec: SpanSpec): Span {
  const id = nextId++;
  const start = 1_600_000_000_000_000_000n + BigInt(id) * 1_000_000_000n;
  return {
    traceId: Uint8Array.from({ length: 16 }, (_, i) => (id * 31 + i) & 0xff),
    spanId: Uint8Array.from({ length: 8 }, (_, i) => (id * 17 + i + 100) & 0xff),
    name: spec.name ?? 'GET /users',
    kind: spec.kind ?? SpanKind.SERVER,
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(Math.round((spec.ms ?? 1) * 1e6)),
    attributes: attrs({ 'http.route': '/users', 'user.id': 'u-42', ...spec.attributes }),
    statusCode: spec.status ?? StatusCode.UNSET,
  };
}

export function traces(spans: Span[], resource: Record<string, string | number> = { 'service.name': 'api', 'host.name': 'node-7' }, scope: Record<string, string | number> = {}): ExportTraceServiceRequest {
  return {
    resourceSpans: [{ resource: { attributes: attrs(resource), droppedAttributesCount: 0 }, scopeSpans: [{ scope: { name: 'http', version: '1', attributes: attrs(scope), droppedAttributesCount: 0 }, spans }] }],
  };
}
