import { readPointAttributes } from './decode-common.js';
import { NO_EXEMPLARS, readExemplar, withExemplar } from './decode-exemplar.js';
import { readDoubles, readFixed64s } from './decode-packed.js';
import type { ProtoReader } from './proto-reader.js';
import { WIRE_I64, WIRE_LEN, WIRE_VARINT } from './wire-format.js';
import type {
  Exemplar,
  HistogramDataPoint,
  KeyValue,
  NumberDataPoint,
  SummaryDataPoint,
  ValueAtQuantile,
} from './types.js';

// Decoders for the data point messages of opentelemetry.proto.metrics.v1.
// Fields are gathered in locals and the object is built once at the end; a
// oneof or `optional` field is added only when it was on the wire.

const NO_VALUE = 0;
const DOUBLE_VALUE = 1;
const INT_VALUE = 2;

export function readNumberDataPoint(r: ProtoReader): NumberDataPoint {
  const outer = r.enter('NumberDataPoint');
  let attributes: KeyValue[] = [];
  let exemplars = NO_EXEMPLARS;
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let valueKind = NO_VALUE;
  let asDouble = 0;
  let asInt = 0n;
  let flags = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('NumberDataPoint');
    switch (tag >>> 3) {
      case 7:
        r.expectWire(tag, WIRE_LEN, 'NumberDataPoint.attributes');
        attributes = readPointAttributes(r, tag, attributes, 'NumberDataPoint.attributes');
        break;
      case 2:
        r.expectWire(tag, WIRE_I64, 'NumberDataPoint.start_time_unix_nano');
        startTimeUnixNano = r.fixed64('NumberDataPoint.start_time_unix_nano');
        break;
      case 3:
        r.expectWire(tag, WIRE_I64, 'NumberDataPoint.time_unix_nano');
        timeUnixNano = r.fixed64('NumberDataPoint.time_unix_nano');
        break;
      case 4:
        r.expectWire(tag, WIRE_I64, 'NumberDataPoint.as_double');
        asDouble = r.double('NumberDataPoint.as_double');
        valueKind = DOUBLE_VALUE;
        break;
      case 6:
        r.expectWire(tag, WIRE_I64, 'NumberDataPoint.as_int');
        asInt = r.sfixed64('NumberDataPoint.as_int');
        valueKind = INT_VALUE;
        break;
      case 5:
        r.expectWire(tag, WIRE_LEN, 'NumberDataPoint.exemplars');
        exemplars = withExemplar(exemplars, readExemplar(r));
        break;
      case 8:
        r.expectWire(tag, WIRE_VARINT, 'NumberDataPoint.flags');
        flags = r.uint32('NumberDataPoint.flags');
        break;
      default:
        r.skip(tag, 'NumberDataPoint');
    }
  }
  r.leave(outer);
  // One literal per variant keeps each variant a single object shape.
  if (valueKind === DOUBLE_VALUE) return { attributes, startTimeUnixNano, timeUnixNano, asDouble, exemplars, flags };
  if (valueKind === INT_VALUE) return { attributes, startTimeUnixNano, timeUnixNano, asInt, exemplars, flags };
  return { attributes, startTimeUnixNano, timeUnixNano, exemplars, flags };
}

export function readHistogramDataPoint(r: ProtoReader): HistogramDataPoint {
  const outer = r.enter('HistogramDataPoint');
  let attributes: KeyValue[] = [];
  const bucketCounts: bigint[] = [];
  const explicitBounds: number[] = [];
  let exemplars = NO_EXEMPLARS;
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0n;
  let sum: number | undefined;
  let min: number | undefined;
  let max: number | undefined;
  let flags = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('HistogramDataPoint');
    switch (tag >>> 3) {
      case 9:
        r.expectWire(tag, WIRE_LEN, 'HistogramDataPoint.attributes');
        attributes = readPointAttributes(r, tag, attributes, 'HistogramDataPoint.attributes');
        break;
      case 2:
        r.expectWire(tag, WIRE_I64, 'HistogramDataPoint.start_time_unix_nano');
        startTimeUnixNano = r.fixed64('HistogramDataPoint.start_time_unix_nano');
        break;
      case 3:
        r.expectWire(tag, WIRE_I64, 'HistogramDataPoint.time_unix_nano');
        timeUnixNano = r.fixed64('HistogramDataPoint.time_unix_nano');
        break;
      case 4:
        r.expectWire(tag, WIRE_I64, 'HistogramDataPoint.count');
        count = r.fixed64('HistogramDataPoint.count');
        break;
      case 5:
        r.expectWire(tag, WIRE_I64, 'HistogramDataPoint.sum');
        sum = r.double('HistogramDataPoint.sum');
        break;
      case 6:
        readFixed64s(r, tag, bucketCounts, 'HistogramDataPoint.bucket_counts');
        break;
      case 7:
        readDoubles(r, tag, explicitBounds, 'HistogramDataPoint.explicit_bounds');
        break;
      case 8:
        r.expectWire(tag, WIRE_LEN, 'HistogramDataPoint.exemplars');
        exemplars = withExemplar(exemplars, readExemplar(r));
        break;
      case 10:
        r.expectWire(tag, WIRE_VARINT, 'HistogramDataPoint.flags');
        flags = r.uint32('HistogramDataPoint.flags');
        break;
      case 11:
        r.expectWire(tag, WIRE_I64, 'HistogramDataPoint.min');
        min = r.double('HistogramDataPoint.min');
        break;
      case 12:
        r.expectWire(tag, WIRE_I64, 'HistogramDataPoint.max');
        max = r.double('HistogramDataPoint.max');
        break;
      default:
        r.skip(tag, 'HistogramDataPoint');
    }
  }
  r.leave(outer);
  const point: HistogramDataPoint = {
    attributes,
    startTimeUnixNano,
    timeUnixNano,
    count,
    bucketCounts,
    explicitBounds,
    exemplars,
    flags,
  };
  if (sum !== undefined) point.sum = sum;
  if (min !== undefined) point.min = min;
  if (max !== undefined) point.max = max;
  return point;
}

export function readSummaryDataPoint(r: ProtoReader): SummaryDataPoint {
  const outer = r.enter('SummaryDataPoint');
  let attributes: KeyValue[] = [];
  const quantileValues: ValueAtQuantile[] = [];
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0n;
  let sum = 0;
  let flags = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('SummaryDataPoint');
    switch (tag >>> 3) {
      case 7:
        r.expectWire(tag, WIRE_LEN, 'SummaryDataPoint.attributes');
        attributes = readPointAttributes(r, tag, attributes, 'SummaryDataPoint.attributes');
        break;
      case 2:
        r.expectWire(tag, WIRE_I64, 'SummaryDataPoint.start_time_unix_nano');
        startTimeUnixNano = r.fixed64('SummaryDataPoint.start_time_unix_nano');
        break;
      case 3:
        r.expectWire(tag, WIRE_I64, 'SummaryDataPoint.time_unix_nano');
        timeUnixNano = r.fixed64('SummaryDataPoint.time_unix_nano');
        break;
      case 4:
        r.expectWire(tag, WIRE_I64, 'SummaryDataPoint.count');
        count = r.fixed64('SummaryDataPoint.count');
        break;
      case 5:
        r.expectWire(tag, WIRE_I64, 'SummaryDataPoint.sum');
        sum = r.double('SummaryDataPoint.sum');
        break;
      case 6:
        r.expectWire(tag, WIRE_LEN, 'SummaryDataPoint.quantile_values');
        quantileValues.push(readValueAtQuantile(r));
        break;
      case 8:
        r.expectWire(tag, WIRE_VARINT, 'SummaryDataPoint.flags');
        flags = r.uint32('SummaryDataPoint.flags');
        break;
      default:
        r.skip(tag, 'SummaryDataPoint');
    }
  }
  r.leave(outer);
  return { attributes, startTimeUnixNano, timeUnixNano, count, sum, quantileValues, flags };
}

function readValueAtQuantile(r: ProtoReader): ValueAtQuantile {
  const outer = r.enter('SummaryDataPoint.ValueAtQuantile');
  let quantile = 0;
  let value = 0;
  while (r.pos < r.limit) {
    const tag = r.tag('SummaryDataPoint.ValueAtQuantile');
    switch (tag >>> 3) {
      case 1:
        r.expectWire(tag, WIRE_I64, 'SummaryDataPoint.ValueAtQuantile.quantile');
        quantile = r.double('SummaryDataPoint.ValueAtQuantile.quantile');
        break;
      case 2:
        r.expectWire(tag, WIRE_I64, 'SummaryDataPoint.ValueAtQuantile.value');
        value = r.double('SummaryDataPoint.ValueAtQuantile.value');
        break;
      default:
        r.skip(tag, 'SummaryDataPoint.ValueAtQuantile');
    }
  }
  r.leave(outer);
  return { quantile, value };
}
