import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMetricsRequest, decodeMetricsResponse, decodeRpcStatus, MAX_ANY_VALUE_DEPTH, MAX_REPEATED_VALUES, OtlpAttributeLimitError, OtlpDecodeError } from '../src/index.js';
import { bytes, double, fixed64, len, nest, PATH, str, tag, uvarint, varint, type Bytes } from './wire.js';

/** Asserts that decoding fails with an OtlpDecodeError whose message matches. */
function rejects(input: Bytes | Uint8Array, message: RegExp, decode: (b: Uint8Array) => unknown = decodeMetricsRequest): void {
  const data = input instanceof Uint8Array ? input : bytes(input);
  assert.throws(
    () => decode(data),
    (e: unknown) => {
      assert.ok(e instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${String(e)}`);
      assert.equal(e.code, 'OTLP_DECODE_ERROR');
      assert.match(e.message, message);
      return true;
    },
  );
}

describe('malformed protobuf is refused with a precise OtlpDecodeError', () => {
  it(`more than ${MAX_REPEATED_VALUES} values in a repeated field of a point, packed or one a field`, () => {
    const counts = (n: number): Bytes => Array.from({ length: n }, () => uvarint(2, 1)).flat();
    const packed = (n: number): Bytes => len(2, new Array<number>(n).fill(1));
    const bounds = (n: number): Bytes => len(7, Array.from({ length: n }, () => [0, 0, 0, 0, 0, 0, 0, 0]).flat());
    assert.equal(decodeMetricsRequest(bytes(nest(PATH.buckets, counts(MAX_REPEATED_VALUES)))).resourceMetrics.length, 1);
    rejects(nest(PATH.buckets, counts(MAX_REPEATED_VALUES + 1)), /more than 16384 values .*ExponentialHistogramDataPoint\.Buckets\.bucket_counts/);
    rejects(nest(PATH.buckets, packed(MAX_REPEATED_VALUES + 1)), /more than 16384 values/);
    rejects(nest(PATH.histogramPoint, bounds(MAX_REPEATED_VALUES + 1)), /more than 16384 values .*HistogramDataPoint\.explicit_bounds/);
  });

  it('stops at the first attribute list past maxAttributesPerList, however long the rest of the request', () => {
    const attribute = (i: number): Bytes => len(7, str(1, `k${i}`), len(2, str(1, 'v')));
    const point = bytes(nest(PATH.numberPoint, Array.from({ length: 100_000 }, (_, i) => attribute(i)).flat()));
    assert.throws(
      () => decodeMetricsRequest(point, { maxAttributesPerList: 16 }),
      (e: unknown) => {
        assert.ok(e instanceof OtlpAttributeLimitError);
        assert.equal(e.field, 'NumberDataPoint.attributes');
        const at = Number(/at byte (\d+)/.exec(e.message)?.[1]);
        assert.ok(at < 300, `stopped at byte ${at} of ${point.length}`);
        return true;
      },
    );
    assert.equal(decodeMetricsRequest(point).resourceMetrics.length, 1, 'no limit, no refusal');
    const resource = bytes(len(1, len(1, ...Array.from({ length: 17 }, (_, i) => len(1, str(1, `k${i}`))))));
    assert.throws(() => decodeMetricsRequest(resource, { maxAttributesPerList: 16 }), /more than 16 attributes at byte \d+ in Resource\.attributes/);
  });

  it('truncated varints, named by offset and field (or message, for a message length)', () => {
    rejects([0x0a], /^truncated varint at byte 1 in ResourceMetrics$/);
    rejects(nest(PATH.metric, [...tag(1, 2), 0x85]), /^truncated varint at byte 7 in Metric\.name$/);
    rejects(nest(PATH.sum, [...tag(2, 0), 0xff, 0xff]), /truncated varint at byte \d+ in Sum\.aggregation_temporality/);
    rejects([0x80], /^truncated varint at byte 0 in ExportMetricsServiceRequest$/);
  });

  it('varints over ten bytes or over 64 bits', () => {
    rejects(nest(PATH.resource, [...tag(2, 0), ...Array(10).fill(0xff), 0x01]), /varint longer than 10 bytes .* in Resource\.dropped_attributes_count/);
    rejects(nest(PATH.resource, [...tag(2, 0), ...Array(9).fill(0xff), 0x02]), /^varint overflows 64 bits at byte 5 in Resource\.dropped_attributes_count$/);
  });

  it('lengths past the end of the enclosing message', () => {
    rejects([0x0a, 0x05, 0, 0], /^length 5 exceeds the 2 bytes left at byte 1 in ResourceMetrics$/);
    // The inner length fits the buffer but not its parent.
    rejects([...len(1, [0x12, 0x03]), 0, 0, 0], /length 3 exceeds the 0 bytes left at byte 3 in ScopeMetrics/);
    rejects(nest(PATH.metric, [...tag(1, 2), ...varint(2n ** 31n)]), /length 2147483648 exceeds the 0 bytes left .* in Metric\.name/);
    rejects(nest(PATH.metric, [...tag(1, 2), ...varint(2n ** 64n - 1n)]), /length 18446744073709552000 exceeds/);
  });

  it('fixed-width values cut short', () => {
    rejects(nest(PATH.numberPoint, [...tag(3, 1), 1, 2, 3]), /^truncated fixed64 at byte \d+ in NumberDataPoint\.time_unix_nano$/);
    rejects(nest(PATH.numberPoint, [...tag(4, 1), 1]), /truncated double .* in NumberDataPoint\.as_double/);
    rejects(nest(PATH.numberPoint, [...tag(99, 5), 1]), /truncated fixed32 .* in NumberDataPoint/);
    rejects(nest(PATH.histogramPoint, len(6, [1, 2, 3, 4, 5, 6, 7, 8, 9])), /packed fixed64 run of 9 bytes is not a multiple of 8 .* in HistogramDataPoint\.bucket_counts/);
    rejects(nest(PATH.histogramPoint, len(7, [1, 2, 3])), /packed double run of 3 bytes/);
    rejects(nest(PATH.buckets, len(2, [0x80])), /truncated varint .* in ExponentialHistogramDataPoint\.Buckets\.bucket_counts/);
  });

  it('wrong wire types for known fields', () => {
    rejects(nest(PATH.metric, uvarint(1, 5)), /^wire type 0 where 2 is expected at byte \d+ in Metric\.name$/);
    rejects(nest(PATH.numberPoint, uvarint(3, 5)), /wire type 0 where 1 is expected .* in NumberDataPoint\.time_unix_nano/);
    rejects(nest(PATH.sum, fixed64(3, 1n)), /wire type 1 where 0 is expected .* in Sum\.is_monotonic/);
    rejects(nest(PATH.histogramPoint, uvarint(6, 1)), /wire type 0 where 1 is expected .* in HistogramDataPoint\.bucket_counts/);
    rejects(nest(PATH.buckets, fixed64(2, 1n)), /wire type 1 where 0 is expected .* in ExponentialHistogramDataPoint\.Buckets\.bucket_counts/);
    rejects(nest(PATH.anyValue, double(1, 1)), /wire type 1 where 2 is expected .* in AnyValue\.string_value/);
    rejects(uvarint(1, 1), /^wire type 0 where 2 is expected at byte 1 in ExportMetricsServiceRequest\.resource_metrics$/);
    rejects(uvarint(1, 1), /^wire type 0 where 2 is expected at byte 1 in ExportMetricsServiceResponse\.partial_success$/, decodeMetricsResponse);
    rejects(str(1, 'x'), /wire type 2 where 0 is expected .* in Status\.code/, decodeRpcStatus);
  });

  it('invalid tags: field 0, wire types 6 and 7, stray end-group, unterminated group', () => {
    rejects([0x02, 0x00], /^invalid field number 0 at byte 0 in ExportMetricsServiceRequest$/);
    rejects([0x0e], /^invalid wire type 6 at byte 0/);
    rejects(nest(PATH.metric, [0x0f]), /invalid wire type 7 at byte \d+ in Metric/);
    rejects(tag(5, 4), /end-group tag for field 5 without a start/);
    rejects([...tag(5, 3), ...uvarint(1, 1)], /unterminated group 5/);
    rejects([...tag(5, 3), ...tag(6, 4)], /end-group tag 6 closes group 5/);
    rejects([...varint(2n ** 35n)], /field tag larger than 32 bits/);
  });

  it('groups nested too deeply', () => {
    const open = Array.from({ length: 40 }, () => tag(9, 3)).flat();
    rejects(open, /groups nested deeper than 32/);
  });

  it('strings that are not UTF-8', () => {
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x61, 0x80], Array(40).fill(0x61).concat([0xfe])]) {
      rejects(nest(PATH.keyValue, len(1, bad)), /^invalid UTF-8 in string at byte \d+ in KeyValue\.key$/);
    }
    rejects(nest(PATH.metric, len(3, [0xf8, 0x88, 0x80, 0x80, 0x80])), /invalid UTF-8 .* in Metric\.unit/);
  });

  it('attribute values nested deeper than the limit', () => {
    let value: Bytes = str(1, 'leaf');
    for (let i = 0; i <= MAX_ANY_VALUE_DEPTH; i++) value = len(5, len(1, value)); // arrayValue { values { ... } }
    rejects(nest(PATH.keyValue, len(2, value)), new RegExp(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`));
  });

  it('never quotes string content in a message', () => {
    const secret = [...new TextEncoder().encode('tok_secret_value'), 0xff];
    try {
      decodeMetricsRequest(bytes(nest(PATH.anyValue, len(1, secret))));
      assert.fail('decoded invalid UTF-8');
    } catch (e) {
      assert.ok(e instanceof OtlpDecodeError);
      assert.doesNotMatch(e.message, /tok_secret/);
    }
  });
});
