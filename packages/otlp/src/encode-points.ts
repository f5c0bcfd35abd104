import { writeKeyValues } from './encode-common.js';
import type { ProtoWriter } from './proto-writer.js';
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
  SummaryDataPoint,
} from './types.js';
import { fieldTag, isDefaultDouble, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './wire-format.js';

// Encoders for the data point messages of opentelemetry.proto.metrics.v1:
// message bodies, fields in field-number order, proto3 defaults left out,
// repeated scalars packed. Oneof members and `optional` fields are written
// whenever they are set, even to a default value, so presence survives.

const START_TIME = fieldTag(2, WIRE_I64);
const TIME = fieldTag(3, WIRE_I64);

const NUMBER_AS_DOUBLE = fieldTag(4, WIRE_I64);
const NUMBER_EXEMPLARS = fieldTag(5, WIRE_LEN);
const NUMBER_AS_INT = fieldTag(6, WIRE_I64);
const NUMBER_ATTRIBUTES = fieldTag(7, WIRE_LEN);
const NUMBER_FLAGS = fieldTag(8, WIRE_VARINT);

export function writeNumberDataPoint(w: ProtoWriter, p: NumberDataPoint): void {
  writeTimes(w, p.startTimeUnixNano, p.timeUnixNano);
  if (p.asDouble !== undefined) {
    w.varint32(NUMBER_AS_DOUBLE);
    w.double(p.asDouble);
  }
  writeExemplars(w, NUMBER_EXEMPLARS, p.exemplars);
  if (p.asInt !== undefined && p.asDouble === undefined) {
    w.varint32(NUMBER_AS_INT);
    w.fixed64(p.asInt);
  }
  writeKeyValues(w, NUMBER_ATTRIBUTES, p.attributes);
  writeFlags(w, NUMBER_FLAGS, p.flags);
}

const COUNT = fieldTag(4, WIRE_I64);
const SUM = fieldTag(5, WIRE_I64);
const HISTOGRAM_BUCKET_COUNTS = fieldTag(6, WIRE_LEN);
const HISTOGRAM_EXPLICIT_BOUNDS = fieldTag(7, WIRE_LEN);
const HISTOGRAM_EXEMPLARS = fieldTag(8, WIRE_LEN);
const HISTOGRAM_ATTRIBUTES = fieldTag(9, WIRE_LEN);
const HISTOGRAM_FLAGS = fieldTag(10, WIRE_VARINT);
const HISTOGRAM_MIN = fieldTag(11, WIRE_I64);
const HISTOGRAM_MAX = fieldTag(12, WIRE_I64);

export function writeHistogramDataPoint(w: ProtoWriter, p: HistogramDataPoint): void {
  writeTimes(w, p.startTimeUnixNano, p.timeUnixNano);
  writeFixed64IfSet(w, COUNT, p.count);
  writeOptionalDouble(w, SUM, p.sum);
  const counts = p.bucketCounts;
  if (counts.length > 0) {
    w.varint32(HISTOGRAM_BUCKET_COUNTS);
    w.varint32(counts.length * 8);
    for (let i = 0; i < counts.length; i++) w.fixed64(counts[i]);
  }
  const bounds = p.explicitBounds;
  if (bounds.length > 0) {
    w.varint32(HISTOGRAM_EXPLICIT_BOUNDS);
    w.varint32(bounds.length * 8);
    for (let i = 0; i < bounds.length; i++) w.double(bounds[i]);
  }
  writeExemplars(w, HISTOGRAM_EXEMPLARS, p.exemplars);
  writeKeyValues(w, HISTOGRAM_ATTRIBUTES, p.attributes);
  writeFlags(w, HISTOGRAM_FLAGS, p.flags);
  writeOptionalDouble(w, HISTOGRAM_MIN, p.min);
  writeOptionalDouble(w, HISTOGRAM_MAX, p.max);
}

const EXPONENTIAL_ATTRIBUTES = fieldTag(1, WIRE_LEN);
const EXPONENTIAL_SCALE = fieldTag(6, WIRE_VARINT);
const EXPONENTIAL_ZERO_COUNT = fieldTag(7, WIRE_I64);
const EXPONENTIAL_POSITIVE = fieldTag(8, WIRE_LEN);
const EXPONENTIAL_NEGATIVE = fieldTag(9, WIRE_LEN);
const EXPONENTIAL_FLAGS = fieldTag(10, WIRE_VARINT);
const EXPONENTIAL_EXEMPLARS = fieldTag(11, WIRE_LEN);
const EXPONENTIAL_MIN = fieldTag(12, WIRE_I64);
const EXPONENTIAL_MAX = fieldTag(13, WIRE_I64);
const EXPONENTIAL_ZERO_THRESHOLD = fieldTag(14, WIRE_I64);

export function writeExponentialHistogramDataPoint(w: ProtoWriter, p: ExponentialHistogramDataPoint): void {
  writeKeyValues(w, EXPONENTIAL_ATTRIBUTES, p.attributes);
  writeTimes(w, p.startTimeUnixNano, p.timeUnixNano);
  writeFixed64IfSet(w, COUNT, p.count);
  writeOptionalDouble(w, SUM, p.sum);
  if (p.scale !== 0) {
    w.varint32(EXPONENTIAL_SCALE);
    w.sint32(p.scale);
  }
  writeFixed64IfSet(w, EXPONENTIAL_ZERO_COUNT, p.zeroCount);
  if (p.positive !== undefined) writeBuckets(w, EXPONENTIAL_POSITIVE, p.positive);
  if (p.negative !== undefined) writeBuckets(w, EXPONENTIAL_NEGATIVE, p.negative);
  writeFlags(w, EXPONENTIAL_FLAGS, p.flags);
  writeExemplars(w, EXPONENTIAL_EXEMPLARS, p.exemplars);
  writeOptionalDouble(w, EXPONENTIAL_MIN, p.min);
  writeOptionalDouble(w, EXPONENTIAL_MAX, p.max);
  if (!isDefaultDouble(p.zeroThreshold)) {
    w.varint32(EXPONENTIAL_ZERO_THRESHOLD);
    w.double(p.zeroThreshold);
  }
}

const BUCKETS_OFFSET = fieldTag(1, WIRE_VARINT);
const BUCKETS_COUNTS = fieldTag(2, WIRE_LEN);

function writeBuckets(w: ProtoWriter, tag: number, buckets: ExponentialHistogramBuckets): void {
  w.varint32(tag);
  const start = w.fork();
  if (buckets.offset !== 0) {
    w.varint32(BUCKETS_OFFSET);
    w.sint32(buckets.offset);
  }
  const counts = buckets.bucketCounts;
  if (counts.length > 0) {
    w.varint32(BUCKETS_COUNTS);
    const run = w.fork();
    for (let i = 0; i < counts.length; i++) w.varint64(counts[i]);
    w.join(run);
  }
  w.join(start);
}

const SUMMARY_SUM = fieldTag(5, WIRE_I64);
const SUMMARY_QUANTILE_VALUES = fieldTag(6, WIRE_LEN);
const SUMMARY_ATTRIBUTES = fieldTag(7, WIRE_LEN);
const SUMMARY_FLAGS = fieldTag(8, WIRE_VARINT);
const QUANTILE = fieldTag(1, WIRE_I64);
const QUANTILE_VALUE = fieldTag(2, WIRE_I64);

export function writeSummaryDataPoint(w: ProtoWriter, p: SummaryDataPoint): void {
  writeTimes(w, p.startTimeUnixNano, p.timeUnixNano);
  writeFixed64IfSet(w, COUNT, p.count);
  if (!isDefaultDouble(p.sum)) {
    w.varint32(SUMMARY_SUM);
    w.double(p.sum);
  }
  const quantiles = p.quantileValues;
  for (let i = 0; i < quantiles.length; i++) {
    const q = quantiles[i];
    w.varint32(SUMMARY_QUANTILE_VALUES);
    const start = w.fork();
    if (!isDefaultDouble(q.quantile)) {
      w.varint32(QUANTILE);
      w.double(q.quantile);
    }
    if (!isDefaultDouble(q.value)) {
      w.varint32(QUANTILE_VALUE);
      w.double(q.value);
    }
    w.join(start);
  }
  writeKeyValues(w, SUMMARY_ATTRIBUTES, p.attributes);
  writeFlags(w, SUMMARY_FLAGS, p.flags);
}

const EXEMPLAR_TIME = fieldTag(2, WIRE_I64);
const EXEMPLAR_AS_DOUBLE = fieldTag(3, WIRE_I64);
const EXEMPLAR_SPAN_ID = fieldTag(4, WIRE_LEN);
const EXEMPLAR_TRACE_ID = fieldTag(5, WIRE_LEN);
const EXEMPLAR_AS_INT = fieldTag(6, WIRE_I64);
const EXEMPLAR_FILTERED_ATTRIBUTES = fieldTag(7, WIRE_LEN);

function writeExemplars(w: ProtoWriter, tag: number, exemplars: Exemplar[]): void {
  for (let i = 0; i < exemplars.length; i++) {
    const e = exemplars[i];
    w.varint32(tag);
    const start = w.fork();
    writeFixed64IfSet(w, EXEMPLAR_TIME, e.timeUnixNano);
    if (e.asDouble !== undefined) {
      w.varint32(EXEMPLAR_AS_DOUBLE);
      w.double(e.asDouble);
    }
    if (e.spanId.length > 0) {
      w.varint32(EXEMPLAR_SPAN_ID);
      w.bytes(e.spanId);
    }
    if (e.traceId.length > 0) {
      w.varint32(EXEMPLAR_TRACE_ID);
      w.bytes(e.traceId);
    }
    if (e.asInt !== undefined && e.asDouble === undefined) {
      w.varint32(EXEMPLAR_AS_INT);
      w.fixed64(e.asInt);
    }
    writeKeyValues(w, EXEMPLAR_FILTERED_ATTRIBUTES, e.filteredAttributes);
    w.join(start);
  }
}

function writeTimes(w: ProtoWriter, start: bigint, time: bigint): void {
  writeFixed64IfSet(w, START_TIME, start);
  writeFixed64IfSet(w, TIME, time);
}

function writeFixed64IfSet(w: ProtoWriter, tag: number, value: bigint): void {
  if (value !== 0n) {
    w.varint32(tag);
    w.fixed64(value);
  }
}

function writeOptionalDouble(w: ProtoWriter, tag: number, value: number | undefined): void {
  if (value !== undefined) {
    w.varint32(tag);
    w.double(value);
  }
}

function writeFlags(w: ProtoWriter, tag: number, flags: number): void {
  if (flags !== 0) {
    w.varint32(tag);
    w.varint32(flags);
  }
}
