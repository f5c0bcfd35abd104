import { AggregationTemporality, type ExportMetricsServiceRequest, type KeyValue, type Metric, type NumberDataPoint } from '@otel-dp/otlp';
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
