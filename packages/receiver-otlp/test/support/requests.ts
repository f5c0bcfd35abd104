import type { ExportMetricsServiceRequest, KeyValue, NumberDataPoint } from '@otel-dp/otlp';

const attribute = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

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
