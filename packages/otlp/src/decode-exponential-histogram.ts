import { readPointAttributes } from './decode-common.js';
import { NO_EXEMPLARS, readExemplar, withExemplar } from './decode-exemplar.js';
import { readUint64s } from './decode-packed.js';
import type { ProtoReader } from './proto-reader.js';
import { WIRE_I64, WIRE_LEN, WIRE_VARINT } from './wire-format.js';
import type { Exemplar, ExponentialHistogramBuckets, ExponentialHistogramDataPoint, KeyValue } from './types.js';

// Decoder for opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint.

export function readExponentialHistogramDataPoint(r: ProtoReader): ExponentialHistogramDataPoint {
  const outer = r.enter('ExponentialHistogramDataPoint');
  let attributes: KeyValue[] = [];
  let exemplars = NO_EXEMPLARS;
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0n;
  let sum: number | undefined;
  let scale = 0;
  let zeroCount = 0n;
  let positive: ExponentialHistogramBuckets | undefined;
  let negative: ExponentialHistogramBuckets | undefined;
  let flags = 0;
  let min: number | undefined;
  let max: number | undefined;
  let zeroThreshold = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('ExponentialHistogramDataPoint');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_LEN, 'ExponentialHistogramDataPoint.attributes');
        attributes = readPointAttributes(r, tag, attributes, 'ExponentialHistogramDataPoint.attributes');
        break;
      case 2:
        r.expectWire(tag, WIRE_I64, 'ExponentialHistogramDataPoint.start_time_unix_nano');
        startTimeUnixNano = r.fixed64('ExponentialHistogramDataPoint.start_time_unix_nano');
        break;
      case 3:
        r.expectWire(tag, WIRE_I64, 'ExponentialHistogramDataPoint.time_unix_nano');
        timeUnixNano = r.fixed64('ExponentialHistogramDataPoint.time_unix_nano');
        break;
      case 4:
        r.expectWire(tag, WIRE_I64, 'ExponentialHistogramDataPoint.count');
        count = r.fixed64('ExponentialHistogramDataPoint.count');
        break;
      case 5:
        r.expectWire(tag, WIRE_I64, 'ExponentialHistogramDataPoint.sum');
        sum = r.double('ExponentialHistogramDataPoint.sum');
        break;
      case 6:
        r.expectWire(tag, WIRE_VARINT, 'ExponentialHistogramDataPoint.scale');
        scale = r.sint32('ExponentialHistogramDataPoint.scale');
        break;
      case 7:
        r.expectWire(tag, WIRE_I64, 'ExponentialHistogramDataPoint.zero_count');
        zeroCount = r.fixed64('ExponentialHistogramDataPoint.zero_count');
        break;
      case 8:
        r.expectWire(tag, WIRE_LEN, 'ExponentialHistogramDataPoint.positive');
        positive = readBuckets(r);
        break;
      case 9:
        r.expectWire(tag, WIRE_LEN, 'ExponentialHistogramDataPoint.negative');
        negative = readBuckets(r);
        break;
      case 10:
        r.expectWire(tag, WIRE_VARINT, 'ExponentialHistogramDataPoint.flags');
        flags = r.uint32('ExponentialHistogramDataPoint.flags');
        break;
      case 11:
        r.expectWire(tag, WIRE_LEN, 'ExponentialHistogramDataPoint.exemplars');
        exemplars = withExemplar(exemplars, readExemplar(r));
        break;
      case 12:
        r.expectWire(tag, WIRE_I64, 'ExponentialHistogramDataPoint.min');
        min = r.double('ExponentialHistogramDataPoint.min');
        break;
      case 13:
        r.expectWire(tag, WIRE_I64, 'ExponentialHistogramDataPoint.max');
        max = r.double('ExponentialHistogramDataPoint.max');
        break;
      case 14:
        r.expectWire(tag, WIRE_I64, 'ExponentialHistogramDataPoint.zero_threshold');
        zeroThreshold = r.double('ExponentialHistogramDataPoint.zero_threshold');
        break;
      default:
        r.skip(tag, 'ExponentialHistogramDataPoint');
    }
  }
  r.leave(outer);
  const point: ExponentialHistogramDataPoint = {
    attributes,
    startTimeUnixNano,
    timeUnixNano,
    count,
    scale,
    zeroCount,
    flags,
    exemplars,
    zeroThreshold,
  };
  if (sum !== undefined) point.sum = sum;
  if (positive !== undefined) point.positive = positive;
  if (negative !== undefined) point.negative = negative;
  if (min !== undefined) point.min = min;
  if (max !== undefined) point.max = max;
  return point;
}

function readBuckets(r: ProtoReader): ExponentialHistogramBuckets {
  const outer = r.enter('ExponentialHistogramDataPoint.Buckets');
  let offset = 0;
  const bucketCounts: bigint[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag('ExponentialHistogramDataPoint.Buckets');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_VARINT, 'ExponentialHistogramDataPoint.Buckets.offset');
        offset = r.sint32('ExponentialHistogramDataPoint.Buckets.offset');
        break;
      case 2:
        readUint64s(r, tag, bucketCounts, 'ExponentialHistogramDataPoint.Buckets.bucket_counts');
        break;
      default:
        r.skip(tag, 'ExponentialHistogramDataPoint.Buckets');
    }
  }
  r.leave(outer);
  return { offset, bucketCounts };
}
