import type { ExportMetricsServiceRequest, KeyValue } from './index.js';

const START = 1_714_564_800_000_000_000n; // 2024-05-01T12:00:00Z
const END = START + 60_000_000_000n;

function attribute(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

/**
 * A request with a sum, a gauge and a histogram, every field filled the way
 * a decoder fills it, so a decoded copy compares equal. `marker` tells
 * requests of one test apart.
 */
export function sampleRequest(marker = 1): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [attribute('service.name', 'checkout')], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope: { name: 'otel-dp', version: '0.1.0', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            metrics: [
              {
                name: 'http.server.requests',
                description: 'requests served',
                unit: '{request}',
                metadata: [],
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [
                    { attributes: [attribute('http.route', '/users')], startTimeUnixNano: START, timeUnixNano: END, asInt: BigInt(marker), exemplars: [], flags: 0 },
                  ],
                },
              },
              {
                name: 'queue.depth',
                description: '',
                unit: '1',
                metadata: [],
                gauge: {
                  dataPoints: [{ attributes: [], startTimeUnixNano: 0n, timeUnixNano: END, asDouble: 2.5, exemplars: [], flags: 0 }],
                },
              },
              {
                name: 'http.server.duration',
                description: '',
                unit: 'ms',
                metadata: [],
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      attributes: [attribute('http.route', '/users')],
                      startTimeUnixNano: START,
                      timeUnixNano: END,
                      count: 6n,
                      sum: 123.5,
                      bucketCounts: [1n, 2n, 3n],
                      explicitBounds: [10, 100],
                      exemplars: [],
                      flags: 0,
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** The `http.server.requests` value of a sampleRequest(marker): tells the batches of one test apart. */
export function markerOf(request: { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ sum?: { dataPoints: Array<{ asInt?: bigint }> } }> }> }> }): number {
  const value = request.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.sum?.dataPoints[0]?.asInt;
  if (value === undefined) throw new Error('request carries no marker');
  return Number(value);
}
