import type { ExportMetricsServiceRequest, KeyValue, Metric, NumberDataPoint } from '@otel-dp/otlp';

/** A string attribute. */
export const attribute = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

/**
 * A request with one gauge of `points` data points, every field filled so
 * that a decoded copy compares equal. `label` tells requests apart.
 */
export function gaugeRequest(points: number, label = 'test'): ExportMetricsServiceRequest {
  const dataPoints: NumberDataPoint[] = [];
  for (let i = 0; i < points; i++) {
    dataPoints.push({
      attributes: [attribute('route', `/r/${i}`)],
      startTimeUnixNano: 1_700_000_000_000_000_000n,
      timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i),
      asInt: BigInt(i + 1),
      exemplars: [],
      flags: 0,
    });
  }
  return {
    resourceMetrics: [
      {
        resource: { attributes: [attribute('service.name', label)], droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: 'receiver-test', version: '1', attributes: [], droppedAttributesCount: 0 },
            metrics: [{ name: `requests.${label}`, description: '', unit: '1', metadata: [], gauge: { dataPoints } }],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

/** The five OTLP metric types. */
export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';

export const METRIC_KINDS: readonly MetricKind[] = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'];

/** Where to put the attributes under test in {@link requestWithAttributes}. */
export interface AttributePlacement {
  resource?: KeyValue[];
  scope?: KeyValue[];
  /** Attributes of the second data point; the first has one plain attribute. */
  point?: KeyValue[];
}

/**
 * A request with one resource, one scope and, after a plain `other` gauge,
 * a metric `name` of the given kind with two data points.
 */
export function requestWithAttributes(placement: AttributePlacement, kind: MetricKind = 'gauge', name = 'http.requests'): ExportMetricsServiceRequest {
  const plain = [attribute('route', '/')];
  const pointAttributes = [plain, placement.point ?? plain];
  const times = { startTimeUnixNano: 1n, timeUnixNano: 2n, flags: 0 };
  const metric: Metric = { name, description: '', unit: '1', metadata: [] };
  switch (kind) {
    case 'gauge':
      metric.gauge = { dataPoints: pointAttributes.map((attributes) => ({ ...times, attributes, asInt: 1n, exemplars: [] })) };
      break;
    case 'sum':
      metric.sum = {
        dataPoints: pointAttributes.map((attributes) => ({ ...times, attributes, asDouble: 1, exemplars: [] })),
        aggregationTemporality: 2,
        isMonotonic: true,
      };
      break;
    case 'histogram':
      metric.histogram = {
        dataPoints: pointAttributes.map((attributes) => ({ ...times, attributes, count: 1n, bucketCounts: [1n, 0n], explicitBounds: [10], exemplars: [] })),
        aggregationTemporality: 2,
      };
      break;
    case 'exponentialHistogram':
      metric.exponentialHistogram = {
        dataPoints: pointAttributes.map((attributes) => ({ ...times, attributes, count: 1n, scale: 0, zeroCount: 1n, zeroThreshold: 0, exemplars: [] })),
        aggregationTemporality: 2,
      };
      break;
    case 'summary':
      metric.summary = { dataPoints: pointAttributes.map((attributes) => ({ ...times, attributes, count: 1n, sum: 1, quantileValues: [] })) };
      break;
  }
  const other = gaugeRequest(1, 'other').resourceMetrics[0].scopeMetrics[0].metrics[0];
  return {
    resourceMetrics: [
      {
        resource: { attributes: placement.resource ?? [attribute('service.name', 'checkout')], droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: 'receiver-test', version: '1', attributes: placement.scope ?? [], droppedAttributesCount: 0 },
            metrics: [other, metric],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

/** `count` string attributes named a0, a1, … */
export function manyAttributes(count: number): KeyValue[] {
  return Array.from({ length: count }, (_, i) => attribute(`a${i}`, 'v'));
}
