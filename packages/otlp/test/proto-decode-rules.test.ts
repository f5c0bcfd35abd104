import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMetricsRequest, decodeRpcStatus, type ExportMetricsServiceRequest } from '../src/index.js';
import { exponentialPoint, histogramPoint, kv, metric, numberPoint, requestOf } from './fixtures.js';
import { bytes, double, f64le, fixed64, len, le64, nest, PATH, str, tag, uvarint, varint } from './wire.js';

function firstMetric(request: ExportMetricsServiceRequest) {
  return request.resourceMetrics[0].scopeMetrics[0].metrics[0];
}

describe('protobuf decoding rules', () => {
  it('fills proto3 defaults for absent fields', () => {
    const decoded = decodeMetricsRequest(bytes(nest(PATH.histogram, len(1, []))));
    assert.deepEqual(decoded, requestOf(metric({ histogram: { aggregationTemporality: 0, dataPoints: [histogramPoint({})] } })));
  });

  it('accepts repeated scalars packed and unpacked, mixed in one message', () => {
    const point = [
      ...len(6, le64(1n), le64(2n)), // bucket_counts packed
      ...fixed64(6, 3n), // then one unpacked
      ...double(7, 0.5), // explicit_bounds unpacked
      ...len(7, f64le(1.5)), // and packed
    ];
    const decoded = decodeMetricsRequest(bytes(nest(PATH.histogramPoint, point)));
    const p = firstMetric(decoded).histogram?.dataPoints[0];
    assert.deepEqual(p?.bucketCounts, [1n, 2n, 3n]);
    assert.deepEqual(p?.explicitBounds, [0.5, 1.5]);

    const buckets = [...uvarint(2, 7n), ...len(2, varint(300), varint(2n ** 64n - 1n)), ...uvarint(2, 1)];
    const eh = decodeMetricsRequest(bytes(nest(PATH.buckets, buckets)));
    assert.deepEqual(firstMetric(eh).exponentialHistogram?.dataPoints[0].positive?.bucketCounts, [7n, 300n, 2n ** 64n - 1n, 1n]);
  });

  it('lets the last member of a oneof win', () => {
    const point = [...double(4, 2.5), ...fixed64(6, 9n)];
    const asInt = decodeMetricsRequest(bytes(nest(PATH.numberPoint, point)));
    assert.deepEqual(firstMetric(asInt).gauge?.dataPoints[0], numberPoint({ asInt: 9n }));
    const asDouble = decodeMetricsRequest(bytes(nest(PATH.numberPoint, [...point, ...double(4, 1)])));
    assert.deepEqual(firstMetric(asDouble).gauge?.dataPoints[0], numberPoint({ asDouble: 1 }));

    const value = [...str(1, 's'), ...uvarint(2, 1), ...uvarint(3, 5)];
    const attr = decodeMetricsRequest(bytes(nest(PATH.keyValue, [...str(1, 'k'), ...len(2, value)])));
    assert.deepEqual(attr.resourceMetrics[0].resource?.attributes, [kv('k', { intValue: 5n })]);

    const data = [...len(5, []), ...len(7, uvarint(3, 1))];
    const sum = firstMetric(decodeMetricsRequest(bytes(nest(PATH.metric, data))));
    assert.deepEqual(sum, metric({ sum: { dataPoints: [], aggregationTemporality: 0, isMonotonic: true } }));
  });

  it('skips unknown fields of every wire type, groups included', () => {
    const unknown = [
      ...uvarint(99, 2n ** 63n),
      ...fixed64(100, 1n),
      ...len(101, [1, 2, 3]),
      ...tag(102, 5), 1, 2, 3, 4,
      ...tag(103, 3), ...uvarint(1, 1), ...tag(104, 3), ...tag(104, 4), ...tag(103, 4), // nested groups
      ...tag(2 ** 29 - 1, 0), 0, // the largest field number
    ];
    const point = [...fixed64(3, 7n), ...unknown, ...double(4, 1)];
    const request = [...unknown, ...nest(PATH.numberPoint, point), ...unknown];
    assert.deepEqual(decodeMetricsRequest(bytes(request)), requestOf(metric({ gauge: { dataPoints: [numberPoint({ timeUnixNano: 7n, asDouble: 1 })] } })));
  });

  it('reads varints the way protobuf truncates and widens them', () => {
    // bool true from a bit above 32; uint32 keeps the low 32 bits; int32 -1 in ten bytes.
    const sum = [...uvarint(3, 2n ** 40n), ...uvarint(2, 2n ** 64n - 1n)];
    const decoded = firstMetric(decodeMetricsRequest(bytes(nest(PATH.sum, sum))));
    assert.deepEqual(decoded.sum, { dataPoints: [], aggregationTemporality: -1, isMonotonic: true });
    const resource = [...uvarint(2, 2n ** 32n + 5n)];
    assert.equal(decodeMetricsRequest(bytes(nest(PATH.resource, resource))).resourceMetrics[0].resource?.droppedAttributesCount, 5);
    // A varint may carry redundant continuation bytes (non-minimal encoding).
    const padded = [...tag(2, 0), 0x85, 0x80, 0x80, 0x00];
    assert.equal(decodeMetricsRequest(bytes(nest(PATH.resource, padded))).resourceMetrics[0].resource?.droppedAttributesCount, 5);
    const scale = [...tag(6, 0), ...varint(2n ** 64n - 1n)]; // zigzag of the low 32 bits: 0xffffffff is -2^31
    assert.equal(firstMetric(decodeMetricsRequest(bytes(nest(PATH.exponentialPoint, scale)))).exponentialHistogram?.dataPoints[0].scale, -(2 ** 31));
  });

  it('concatenates repeated messages split across the stream', () => {
    const kv1 = len(1, str(1, 'a'));
    const kv2 = len(1, str(1, 'b'));
    const resource = [...kv1, ...uvarint(2, 1), ...kv2];
    const decoded = decodeMetricsRequest(bytes(len(1, len(1, resource)), len(1, [])));
    assert.deepEqual(decoded.resourceMetrics, [
      { resource: { attributes: [kv('a', {}), kv('b', {})], droppedAttributesCount: 1 }, scopeMetrics: [], schemaUrl: '' },
      { scopeMetrics: [], schemaUrl: '' },
    ]);
  });

  it('gives points without exemplars one frozen empty list, and each point with exemplars its own', () => {
    const exemplarField = len(5, double(3, 1.5));
    const decoded = decodeMetricsRequest(bytes(nest(PATH.gauge, [...len(1, double(4, 1)), ...len(1, double(4, 2)), ...len(1, [...exemplarField, ...exemplarField])])));
    const [a, b, withTwo] = firstMetric(decoded).gauge!.dataPoints;
    assert.equal(a.exemplars, b.exemplars);
    assert.ok(Object.isFrozen(a.exemplars) && a.exemplars.length === 0);
    assert.deepEqual(withTwo.exemplars.map((e) => e.asDouble), [1.5, 1.5]);
    assert.ok(!Object.isFrozen(withTwo.exemplars));
  });

  it('keeps the last occurrence of a singular message field', () => {
    const point = [...len(8, uvarint(1, 1)), ...len(8, uvarint(1, 2))];
    const decoded = firstMetric(decodeMetricsRequest(bytes(nest(PATH.exponentialPoint, point))));
    assert.deepEqual(decoded.exponentialHistogram?.dataPoints[0], exponentialPoint({ positive: { offset: 1, bucketCounts: [] } }));
  });

  it('decodes a status with an empty Any', () => {
    assert.deepEqual(decodeRpcStatus(bytes(len(3, []))), { code: 0, message: '', details: [{ typeUrl: '', value: new Uint8Array(0) }] });
  });
});
