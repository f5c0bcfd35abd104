import { jsonInstrumentationScope, jsonKeyValues, jsonList, jsonNested, jsonPointAttributes, jsonResource } from './json-decode-common.js';
import {
  jsonArray,
  jsonBool,
  jsonDouble,
  jsonEnum,
  JsonFieldError,
  jsonHexBytes,
  jsonInt32,
  jsonInt64,
  jsonOptionalDouble,
  jsonString,
  jsonUint32,
  jsonUint64,
  type JsonObject,
} from './json-scalars.js';
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
  ValueAtQuantile,
} from './types.js';

// OTLP/JSON decoders for opentelemetry.proto.metrics.v1. Keys are the
// lowerCamelCase names; unknown keys are ignored; a oneof with two members
// present is refused.

export function jsonResourceMetrics(o: JsonObject): ResourceMetrics {
  const resource = jsonNested(o.resource, 'resource', jsonResource);
  const scopeMetrics = jsonList(o.scopeMetrics, 'scopeMetrics', jsonScopeMetrics);
  const schemaUrl = jsonString(o.schemaUrl, 'schemaUrl');
  return resource === undefined ? { scopeMetrics, schemaUrl } : { resource, scopeMetrics, schemaUrl };
}

function jsonScopeMetrics(o: JsonObject): ScopeMetrics {
  const scope = jsonNested(o.scope, 'scope', jsonInstrumentationScope);
  const metrics = jsonList(o.metrics, 'metrics', jsonMetric);
  const schemaUrl = jsonString(o.schemaUrl, 'schemaUrl');
  return scope === undefined ? { metrics, schemaUrl } : { scope, metrics, schemaUrl };
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function jsonMetric(o: JsonObject): Metric {
  const metric: Metric = {
    name: jsonString(o.name, 'name'),
    description: jsonString(o.description, 'description'),
    unit: jsonString(o.unit, 'unit'),
    metadata: jsonKeyValues(o.metadata, 'metadata'),
  };
  let member = '';
  if (present(o.gauge)) {
    member = 'gauge';
    metric.gauge = jsonNested(o.gauge, member, jsonGauge);
  }
  if (present(o.sum)) {
    member = onlyData(member, 'sum');
    metric.sum = jsonNested(o.sum, member, jsonSum);
  }
  if (present(o.histogram)) {
    member = onlyData(member, 'histogram');
    metric.histogram = jsonNested(o.histogram, member, jsonHistogram);
  }
  if (present(o.exponentialHistogram)) {
    member = onlyData(member, 'exponentialHistogram');
    metric.exponentialHistogram = jsonNested(o.exponentialHistogram, member, jsonExponentialHistogram);
  }
  if (present(o.summary)) {
    member = onlyData(member, 'summary');
    metric.summary = jsonNested(o.summary, member, jsonSummary);
  }
  return metric;
}

function onlyData(found: string, member: string): string {
  if (found !== '') throw new JsonFieldError(member, `metric has both ${found} and ${member}; it holds one kind of data`);
  return member;
}

function jsonGauge(o: JsonObject) {
  return { dataPoints: jsonList(o.dataPoints, 'dataPoints', jsonNumberDataPoint) };
}

function jsonSum(o: JsonObject) {
  return {
    dataPoints: jsonList(o.dataPoints, 'dataPoints', jsonNumberDataPoint),
    aggregationTemporality: jsonEnum(o.aggregationTemporality, 'aggregationTemporality'),
    isMonotonic: jsonBool(o.isMonotonic, 'isMonotonic'),
  };
}

function jsonHistogram(o: JsonObject) {
  return {
    dataPoints: jsonList(o.dataPoints, 'dataPoints', jsonHistogramDataPoint),
    aggregationTemporality: jsonEnum(o.aggregationTemporality, 'aggregationTemporality'),
  };
}

function jsonExponentialHistogram(o: JsonObject) {
  return {
    dataPoints: jsonList(o.dataPoints, 'dataPoints', jsonExponentialHistogramDataPoint),
    aggregationTemporality: jsonEnum(o.aggregationTemporality, 'aggregationTemporality'),
  };
}

function jsonSummary(o: JsonObject) {
  return { dataPoints: jsonList(o.dataPoints, 'dataPoints', jsonSummaryDataPoint) };
}

function jsonNumberDataPoint(o: JsonObject): NumberDataPoint {
  const point: NumberDataPoint = {
    attributes: jsonPointAttributes(o.attributes, 'attributes'),
    startTimeUnixNano: jsonUint64(o.startTimeUnixNano, 'startTimeUnixNano'),
    timeUnixNano: jsonUint64(o.timeUnixNano, 'timeUnixNano'),
    exemplars: jsonList(o.exemplars, 'exemplars', jsonExemplar),
    flags: jsonUint32(o.flags, 'flags'),
  };
  setNumberValue(point, o);
  return point;
}

/** The `value` oneof of NumberDataPoint and Exemplar. */
function setNumberValue(target: { asDouble?: number; asInt?: bigint }, o: JsonObject): void {
  const hasDouble = present(o.asDouble);
  if (hasDouble) target.asDouble = jsonDouble(o.asDouble, 'asDouble');
  if (present(o.asInt)) {
    if (hasDouble) throw new JsonFieldError('asInt', 'both asDouble and asInt are set; a point holds one value');
    target.asInt = jsonInt64(o.asInt, 'asInt');
  }
}

function jsonHistogramDataPoint(o: JsonObject): HistogramDataPoint {
  const point: HistogramDataPoint = {
    attributes: jsonPointAttributes(o.attributes, 'attributes'),
    startTimeUnixNano: jsonUint64(o.startTimeUnixNano, 'startTimeUnixNano'),
    timeUnixNano: jsonUint64(o.timeUnixNano, 'timeUnixNano'),
    count: jsonUint64(o.count, 'count'),
    bucketCounts: jsonUint64List(o.bucketCounts, 'bucketCounts'),
    explicitBounds: jsonDoubleList(o.explicitBounds, 'explicitBounds'),
    exemplars: jsonList(o.exemplars, 'exemplars', jsonExemplar),
    flags: jsonUint32(o.flags, 'flags'),
  };
  setOptionalDoubles(point, o);
  return point;
}

/** The `optional double` fields sum, min and max of both histogram points. */
function setOptionalDoubles(target: { sum?: number; min?: number; max?: number }, o: JsonObject): void {
  const sum = jsonOptionalDouble(o.sum, 'sum');
  if (sum !== undefined) target.sum = sum;
  const min = jsonOptionalDouble(o.min, 'min');
  if (min !== undefined) target.min = min;
  const max = jsonOptionalDouble(o.max, 'max');
  if (max !== undefined) target.max = max;
}

function jsonExponentialHistogramDataPoint(o: JsonObject): ExponentialHistogramDataPoint {
  const point: ExponentialHistogramDataPoint = {
    attributes: jsonPointAttributes(o.attributes, 'attributes'),
    startTimeUnixNano: jsonUint64(o.startTimeUnixNano, 'startTimeUnixNano'),
    timeUnixNano: jsonUint64(o.timeUnixNano, 'timeUnixNano'),
    count: jsonUint64(o.count, 'count'),
    scale: jsonInt32(o.scale, 'scale'),
    zeroCount: jsonUint64(o.zeroCount, 'zeroCount'),
    flags: jsonUint32(o.flags, 'flags'),
    exemplars: jsonList(o.exemplars, 'exemplars', jsonExemplar),
    zeroThreshold: jsonDouble(o.zeroThreshold, 'zeroThreshold'),
  };
  setOptionalDoubles(point, o);
  const positive = jsonNested(o.positive, 'positive', jsonBuckets);
  if (positive !== undefined) point.positive = positive;
  const negative = jsonNested(o.negative, 'negative', jsonBuckets);
  if (negative !== undefined) point.negative = negative;
  return point;
}

function jsonBuckets(o: JsonObject): ExponentialHistogramBuckets {
  return { offset: jsonInt32(o.offset, 'offset'), bucketCounts: jsonUint64List(o.bucketCounts, 'bucketCounts') };
}

function jsonSummaryDataPoint(o: JsonObject): SummaryDataPoint {
  return {
    attributes: jsonPointAttributes(o.attributes, 'attributes'),
    startTimeUnixNano: jsonUint64(o.startTimeUnixNano, 'startTimeUnixNano'),
    timeUnixNano: jsonUint64(o.timeUnixNano, 'timeUnixNano'),
    count: jsonUint64(o.count, 'count'),
    sum: jsonDouble(o.sum, 'sum'),
    quantileValues: jsonList(o.quantileValues, 'quantileValues', jsonValueAtQuantile),
    flags: jsonUint32(o.flags, 'flags'),
  };
}

function jsonValueAtQuantile(o: JsonObject): ValueAtQuantile {
  return { quantile: jsonDouble(o.quantile, 'quantile'), value: jsonDouble(o.value, 'value') };
}

function jsonExemplar(o: JsonObject): Exemplar {
  const exemplar: Exemplar = {
    filteredAttributes: jsonKeyValues(o.filteredAttributes, 'filteredAttributes'),
    timeUnixNano: jsonUint64(o.timeUnixNano, 'timeUnixNano'),
    spanId: jsonHexBytes(o.spanId, 'spanId'),
    traceId: jsonHexBytes(o.traceId, 'traceId'),
  };
  setNumberValue(exemplar, o);
  return exemplar;
}

function jsonUint64List(v: unknown, field: string): bigint[] {
  return jsonScalarList(v, field, jsonUint64);
}

function jsonDoubleList(v: unknown, field: string): number[] {
  return jsonScalarList(v, field, jsonDouble);
}

/** Decodes each element of a repeated scalar field, naming the element in an error. */
function jsonScalarList<T>(v: unknown, field: string, decode: (item: unknown, field: string) => T): T[] {
  const items = jsonArray(v, field);
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      out.push(decode(items[i] ?? invalidNull(), field));
    } catch (e) {
      throw indexed(e, field, i);
    }
  }
  return out;
}

/** null inside a list is not a value (only a whole field may be null). */
function invalidNull(): never {
  throw new JsonFieldError('', 'expected a value, got null');
}

/** Re-homes a scalar's error from the list field to its element. */
function indexed(e: unknown, field: string, i: number): unknown {
  if (!(e instanceof JsonFieldError)) return e;
  return JsonFieldError.within(new JsonFieldError(`[${i}]`, e.problem), field);
}
