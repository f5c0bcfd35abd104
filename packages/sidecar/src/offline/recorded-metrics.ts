import type { ExportMetricsServiceRequest, KeyValue } from '@otel-dp/otlp';

/** One metric of recorded requests, for the plan's table. */
export interface RecordedMetric {
  name: string;
  kind: 'sum' | 'gauge' | 'histogram' | 'exponential-histogram' | 'summary';
  /** Distinct tokens on its points (point, then scope, then resource). */
  tokens: number;
}

/** The metrics of the requests, by name in order of first appearance, with their distinct tokens. */
export function recordedMetricSummary(requests: readonly ExportMetricsServiceRequest[], tokenAttribute: string): RecordedMetric[] {
  const byName = new Map<string, { kind: RecordedMetric['kind']; tokens: Set<string> }>();
  for (const request of requests) {
    for (const resourceMetrics of request.resourceMetrics) {
      const resourceToken = tokenOf(resourceMetrics.resource?.attributes ?? [], tokenAttribute);
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        const scopeToken = tokenOf(scopeMetrics.scope?.attributes ?? [], tokenAttribute) ?? resourceToken;
        for (const metric of scopeMetrics.metrics) {
          const [kind, points] = kindOf(metric);
          let entry = byName.get(metric.name);
          if (entry === undefined) byName.set(metric.name, (entry = { kind, tokens: new Set() }));
          for (const point of points) {
            const token = tokenOf(point.attributes, tokenAttribute) ?? scopeToken;
            if (token !== undefined) entry.tokens.add(token);
          }
        }
      }
    }
  }
  return [...byName].map(([name, entry]) => ({ name, kind: entry.kind, tokens: entry.tokens.size }));
}

type Metric = ExportMetricsServiceRequest['resourceMetrics'][number]['scopeMetrics'][number]['metrics'][number];

function kindOf(metric: Metric): [RecordedMetric['kind'], { attributes: KeyValue[] }[]] {
  if (metric.sum !== undefined) return ['sum', metric.sum.dataPoints];
  if (metric.gauge !== undefined) return ['gauge', metric.gauge.dataPoints];
  if (metric.histogram !== undefined) return ['histogram', metric.histogram.dataPoints];
  if (metric.exponentialHistogram !== undefined) return ['exponential-histogram', metric.exponentialHistogram.dataPoints];
  return ['summary', metric.summary?.dataPoints ?? []];
}

function tokenOf(attributes: readonly KeyValue[], key: string): string | undefined {
  for (const attribute of attributes) {
    if (attribute.key !== key) continue;
    const value = attribute.value;
    if (value.stringValue !== undefined && value.stringValue !== '') return value.stringValue;
    if (value.intValue !== undefined) return value.intValue.toString();
    return undefined;
  }
  return undefined;
}
