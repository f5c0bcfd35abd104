import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeMetricsRequest,
  decodeMetricsResponse,
  decodeRpcStatus,
  encodeMetricsRequest,
  encodeMetricsResponse,
  encodeRpcStatus,
  type AnyValue,
  type ExportMetricsServiceRequest,
} from '../src/index.js';
import {
  exemplar,
  exponentialPoint,
  fullRequest,
  histogramPoint,
  kv,
  metric,
  numberPoint,
  requestOf,
  sumRequest,
  summaryPoint,
} from './fixtures.js';

function roundTrip(request: ExportMetricsServiceRequest): void {
  assert.deepEqual(decodeMetricsRequest(encodeMetricsRequest(request)), request);
}

describe('protobuf round trip', () => {
  it('keeps the full request', () => {
    roundTrip(fullRequest());
  });

  it('keeps each metric type on its own', () => {
    for (const m of fullRequest().resourceMetrics[0].scopeMetrics[0].metrics) roundTrip(requestOf(m));
  });

  it('keeps an empty request and empty containers', () => {
    roundTrip({ resourceMetrics: [] });
    roundTrip({ resourceMetrics: [{ scopeMetrics: [], schemaUrl: '' }] });
    roundTrip(requestOf(metric({ name: 'no data' })));
    roundTrip(requestOf(metric({ gauge: { dataPoints: [] } })));
    roundTrip(requestOf(metric({ gauge: { dataPoints: [numberPoint({})] } })));
    assert.equal(encodeMetricsRequest({ resourceMetrics: [] }).length, 0);
  });

  it('keeps present optional fields set to zero apart from absent ones', () => {
    roundTrip(requestOf(metric({ histogram: { aggregationTemporality: 0, dataPoints: [histogramPoint({ sum: 0, min: 0, max: 0 })] } })));
    roundTrip(requestOf(metric({ histogram: { aggregationTemporality: 0, dataPoints: [histogramPoint({})] } })));
    roundTrip(requestOf(metric({ gauge: { dataPoints: [numberPoint({ asInt: 0n }), numberPoint({ asDouble: 0 })] } })));
    const decoded = decodeMetricsRequest(encodeMetricsRequest(requestOf(metric({ gauge: { dataPoints: [numberPoint({})] } }))));
    const point = decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge?.dataPoints[0];
    assert.ok(point !== undefined && !('asInt' in point) && !('asDouble' in point));
  });

  it('keeps edge values of every scalar type', () => {
    const values = [0, -0, 1, -1, 0.1, 1e-310, Number.MAX_VALUE, -Infinity, Infinity, NaN];
    const ints = [0n, 1n, -1n, 2n ** 31n, -(2n ** 63n), 2n ** 63n - 1n];
    roundTrip(
      requestOf(
        metric({
          gauge: {
            dataPoints: [
              ...values.map((asDouble) => numberPoint({ asDouble, flags: 0xffffffff })),
              ...ints.map((asInt) => numberPoint({ asInt, startTimeUnixNano: 2n ** 64n - 1n, timeUnixNano: 2n ** 32n })),
            ],
          },
        }),
        metric({
          exponentialHistogram: {
            aggregationTemporality: 2,
            dataPoints: [
              exponentialPoint({ scale: 20, positive: { offset: 2147483647, bucketCounts: [2n ** 64n - 1n, 2n ** 35n] } }),
              exponentialPoint({ scale: -10, negative: { offset: -2147483648, bucketCounts: [0n] }, zeroThreshold: -0 }),
            ],
          },
        }),
        metric({ sum: { aggregationTemporality: -1, isMonotonic: false, dataPoints: [] } }),
      ),
    );
    for (const intValue of ints) roundTrip({ resourceMetrics: [{ resource: { attributes: [kv('i', { intValue })], droppedAttributesCount: 0 }, scopeMetrics: [], schemaUrl: '' }] });
  });

  it('keeps strings of every length and script', () => {
    const strings = [
      'a',
      'é',
      '日本語のメトリクス',
      'emoji 🚀 needs four bytes',
      'x'.repeat(32),
      'x'.repeat(33),
      'é'.repeat(42),
      'é'.repeat(43),
      'a'.repeat(41) + '🚀',
      'long '.repeat(1000),
      '\u0000control\u001f',
      '\ufeffleading byte order mark',
    ];
    const attributes = strings.map((s, i) => kv(s, { stringValue: strings[(i + 1) % strings.length] }));
    roundTrip(requestOf(metric({ name: strings[9], description: strings[3], unit: strings[2], gauge: { dataPoints: [numberPoint({ attributes })] } })));
  });

  it('writes a lone surrogate as U+FFFD', () => {
    const decoded = decodeMetricsRequest(encodeMetricsRequest(requestOf(metric({ name: 'a\ud800b' }))));
    assert.equal(decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].name, 'a\ufffdb');
  });

  it('keeps deeply nested attribute values up to the depth limit', () => {
    let value: AnyValue = { stringValue: 'leaf' };
    for (let i = 0; i < 32; i++) value = i % 2 === 0 ? { arrayValue: { values: [value] } } : { kvlistValue: { values: [kv(`k${i}`, value)] } };
    roundTrip(requestOf(metric({ metadata: [kv('deep', value)] })));
  });

  it('keeps large requests whose lengths take several bytes', () => {
    // Over 2^21 bytes: the outer lengths need four varint bytes, and the
    // description 70000 bytes needs three.
    const big = sumRequest(30, 500);
    big.resourceMetrics[0].scopeMetrics[0].metrics[0].description = 'd'.repeat(70000);
    const bytes = encodeMetricsRequest(big);
    assert.ok(bytes.length > 2 ** 21, `${bytes.length} bytes`);
    assert.deepEqual(decodeMetricsRequest(bytes), big);
    // The writer's buffer is reused: a small request after a big one is still right.
    roundTrip(fullRequest());
  });

  it('decodes a Buffer slice in a larger buffer, and returns bytes that do not alias it', () => {
    const encoded = encodeMetricsRequest(fullRequest());
    const pool = Buffer.alloc(encoded.length + 20, 0xee);
    pool.set(encoded, 7);
    const input = pool.subarray(7, 7 + encoded.length);
    const decoded = decodeMetricsRequest(input);
    assert.deepEqual(decoded, fullRequest());
    const ex = decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].sum?.dataPoints[0].exemplars[0];
    assert.ok(ex !== undefined);
    assert.equal(Object.getPrototypeOf(ex.spanId), Uint8Array.prototype);
    input.fill(0);
    assert.deepEqual(ex.spanId, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  });

  it('decodes repeated short strings correctly whatever the cache holds', () => {
    // 5000 distinct short keys overflow the string cache's 4096 slots and
    // collide; every key must still come back as written.
    const attributes = Array.from({ length: 5000 }, (_, i) => kv(`key.${i}`, { stringValue: `v${i % 97}é` }));
    const request = requestOf(metric({ gauge: { dataPoints: [numberPoint({ attributes })] } }));
    const bytes = encodeMetricsRequest(request);
    for (let round = 0; round < 3; round++) assert.deepEqual(decodeMetricsRequest(bytes), request);
  });

  it('keeps responses and statuses', () => {
    for (const response of [
      {},
      { partialSuccess: { rejectedDataPoints: 0n, errorMessage: '' } },
      { partialSuccess: { rejectedDataPoints: 0n, errorMessage: 'warning only' } },
      { partialSuccess: { rejectedDataPoints: 5n, errorMessage: '5 points had no token' } },
      { partialSuccess: { rejectedDataPoints: -1n, errorMessage: '' } },
    ]) {
      assert.deepEqual(decodeMetricsResponse(encodeMetricsResponse(response)), response);
    }
    for (const status of [
      { code: 0, message: '', details: [] },
      { code: 14, message: 'unavailable', details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: new Uint8Array([10, 2, 8, 5]) }] },
      { code: -2147483648, message: 'x', details: [{ typeUrl: '', value: new Uint8Array(0) }] },
    ]) {
      assert.deepEqual(decodeRpcStatus(encodeRpcStatus(status)), status);
    }
  });

  it('keeps every member of a mixed-kind request together', () => {
    const request = fullRequest();
    request.resourceMetrics.push({
      scopeMetrics: [
        { metrics: [metric({ summary: { dataPoints: [summaryPoint({ sum: -0, flags: 1 })] } })], schemaUrl: '' },
        { scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, metrics: [], schemaUrl: 's' },
      ],
      schemaUrl: '',
    });
    request.resourceMetrics[0].scopeMetrics[0].metrics[1].gauge?.dataPoints.push(
      numberPoint({ exemplars: [exemplar({ asInt: -5n, traceId: new Uint8Array(16).fill(7) }), exemplar({})] }),
    );
    roundTrip(request);
  });
});
