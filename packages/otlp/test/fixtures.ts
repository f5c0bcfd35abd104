import { readFileSync } from 'node:fs';
import type {
  AnyValue,
  Exemplar,
  ExponentialHistogramDataPoint,
  ExportMetricsServiceRequest,
  HistogramDataPoint,
  KeyValue,
  Metric,
  NumberDataPoint,
  SummaryDataPoint,
} from '../src/index.js';

/** Reads a file of test/testdata (tests run from dist/test). */
export function testdata(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../test/testdata/${name}`, import.meta.url)));
}

export function kv(key: string, value: AnyValue): KeyValue {
  return { key, value };
}

export function numberPoint(fields: Partial<NumberDataPoint>): NumberDataPoint {
  return { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, exemplars: [], flags: 0, ...fields };
}

export function histogramPoint(fields: Partial<HistogramDataPoint>): HistogramDataPoint {
  return {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0n,
    bucketCounts: [],
    explicitBounds: [],
    exemplars: [],
    flags: 0,
    ...fields,
  };
}

export function exponentialPoint(fields: Partial<ExponentialHistogramDataPoint>): ExponentialHistogramDataPoint {
  return {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0n,
    scale: 0,
    zeroCount: 0n,
    flags: 0,
    exemplars: [],
    zeroThreshold: 0,
    ...fields,
  };
}

export function summaryPoint(fields: Partial<SummaryDataPoint>): SummaryDataPoint {
  return { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0n, sum: 0, quantileValues: [], flags: 0, ...fields };
}

export function exemplar(fields: Partial<Exemplar>): Exemplar {
  return { filteredAttributes: [], timeUnixNano: 0n, spanId: new Uint8Array(0), traceId: new Uint8Array(0), ...fields };
}

export function metric(fields: Partial<Metric>): Metric {
  return { name: '', description: '', unit: '', metadata: [], ...fields };
}

/** A request holding the given metrics under one resource and one scope, with no other fields set. */
export function requestOf(...metrics: Metric[]): ExportMetricsServiceRequest {
  return { resourceMetrics: [{ scopeMetrics: [{ metrics, schemaUrl: '' }], schemaUrl: '' }] };
}

const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Every message, metric type and AnyValue kind, with edge values: the model
 * of testdata/full-request.txtpb (keep the two in step).
 */
export function fullRequest(): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [kv('service.name', { stringValue: 'checkout' }), kv('host.cpu', { intValue: -42n })],
          droppedAttributesCount: 3,
        },
        scopeMetrics: [
          {
            scope: { name: 'my.lib', version: '1.2.3', attributes: [kv('s', { boolValue: true })], droppedAttributesCount: 1 },
            metrics: [
              metric({
                name: 'requests',
                description: 'Requests served',
                unit: '1',
                metadata: [kv('m', { bytesValue: new Uint8Array([0, 255]) })],
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    numberPoint({
                      attributes: [kv('api.token', { stringValue: 'tok-ünïcode' })],
                      startTimeUnixNano: 1544712660300000000n,
                      timeUnixNano: 1544712661300000000n,
                      asInt: -7n,
                      flags: 1,
                      exemplars: [
                        exemplar({
                          filteredAttributes: [kv('f', { doubleValue: 2.5 })],
                          timeUnixNano: 1544712660400000000n,
                          asDouble: 0.25,
                          spanId: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
                          traceId: new Uint8Array([
                            0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
                          ]),
                        }),
                      ],
                    }),
                    numberPoint({ timeUnixNano: 5n, asDouble: 0 }),
                  ],
                },
              }),
              metric({
                name: 'g',
                gauge: {
                  dataPoints: [
                    numberPoint({
                      timeUnixNano: 1n,
                      asDouble: -1.5,
                      attributes: [
                        kv('arr', {
                          arrayValue: {
                            values: [
                              { stringValue: 'a' },
                              { intValue: 9223372036854775807n },
                              { kvlistValue: { values: [kv('k', { doubleValue: 1e300 })] } },
                            ],
                          },
                        }),
                      ],
                    }),
                  ],
                },
              }),
              metric({
                name: 'h',
                unit: 'ms',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    histogramPoint({
                      startTimeUnixNano: 1n,
                      timeUnixNano: 2n,
                      count: UINT64_MAX,
                      sum: 0,
                      bucketCounts: [1n, 2n, 3n],
                      explicitBounds: [0.5, 10],
                      min: -1,
                      max: 100,
                      exemplars: [exemplar({ asInt: 5n })],
                    }),
                  ],
                },
              }),
              metric({
                name: 'eh',
                exponentialHistogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    exponentialPoint({
                      attributes: [kv('x', {})],
                      timeUnixNano: 9n,
                      count: 10n,
                      sum: 3.5,
                      scale: -3,
                      zeroCount: 2n,
                      positive: { offset: -5, bucketCounts: [0n, 300n, UINT64_MAX] },
                      negative: { offset: 0, bucketCounts: [] },
                      zeroThreshold: 1e-9,
                      min: 0,
                    }),
                  ],
                },
              }),
              metric({
                name: 'sm',
                summary: {
                  dataPoints: [
                    summaryPoint({
                      timeUnixNano: 3n,
                      count: 4n,
                      sum: 10.5,
                      quantileValues: [
                        { quantile: 0, value: 1 },
                        { quantile: 0.99, value: 7 },
                      ],
                    }),
                  ],
                },
              }),
            ],
            schemaUrl: 'https://opentelemetry.io/schemas/1.21.0',
          },
        ],
        schemaUrl: 'https://example.com/r',
      },
    ],
  };
}

/**
 * A request shaped like an SDK export: `metrics` cumulative sums of `points`
 * points each, with four attributes per point. Values come from counters,
 * so the request is the same on every call.
 */
export function sumRequest(metrics: number, points: number): ExportMetricsServiceRequest {
  const list: Metric[] = [];
  for (let m = 0; m < metrics; m++) {
    const dataPoints: NumberDataPoint[] = [];
    for (let p = 0; p < points; p++) {
      dataPoints.push(
        numberPoint({
          attributes: [
            kv('api.token', { stringValue: `tok_${String(p % 10).padStart(20, '0')}` }),
            kv('http.route', { stringValue: `/api/v1/items/${p % 7}` }),
            kv('http.method', { stringValue: p % 2 === 0 ? 'POST' : 'GET' }),
            kv('http.status_code', { intValue: BigInt(200 + (p % 3)) }),
          ],
          startTimeUnixNano: 1700000000000000000n,
          timeUnixNano: 1700000060000000000n + BigInt(p),
          asDouble: p * 1.5,
        }),
      );
    }
    list.push(metric({ name: `http.server.requests.${m}`, unit: '1', sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true } }));
  }
  return {
    resourceMetrics: [
      {
        resource: { attributes: [kv('service.name', { stringValue: 'checkout' })], droppedAttributesCount: 0 },
        scopeMetrics: [{ scope: { name: 'lib', version: '1', attributes: [], droppedAttributesCount: 0 }, metrics: list, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}
