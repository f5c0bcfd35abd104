import { Buffer } from 'node:buffer';
import type {
  AnyValue,
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  ExportMetricsServiceRequest,
  ExportMetricsServiceResponse,
  HistogramDataPoint,
  InstrumentationScope,
  KeyValue,
  Metric,
  NumberDataPoint,
  ProtoAny,
  Resource,
  ResourceMetrics,
  RpcStatus,
  ScopeMetrics,
  SummaryDataPoint,
  ValueAtQuantile,
} from './types.js';
import { isDefaultDouble } from './wire-format.js';

// OTLP/JSON encoders: the model is mapped to plain JSON values (64-bit
// integers as decimal strings, ids as hex, bytes as base64, special doubles
// as strings), leaving out proto3 defaults, then handed to JSON.stringify
// once. Oneof members and `optional` doubles are written whenever set.

type Json = Record<string, unknown>;

/** A double as OTLP/JSON writes it; -0 as the string "-0" so its sign survives. */
function jsonDouble(v: number): number | string {
  if (Number.isFinite(v)) return v === 0 && 1 / v < 0 ? '-0' : v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

function putString(o: Json, key: string, v: string): void {
  if (v !== '') o[key] = v;
}

function putNumber(o: Json, key: string, v: number): void {
  if (v !== 0) o[key] = v;
}

function putDouble(o: Json, key: string, v: number): void {
  if (!isDefaultDouble(v)) o[key] = jsonDouble(v);
}

function putOptionalDouble(o: Json, key: string, v: number | undefined): void {
  if (v !== undefined) o[key] = jsonDouble(v);
}

function uint64String(v: bigint): string {
  return BigInt.asUintN(64, v).toString();
}

function putUint64(o: Json, key: string, v: bigint): void {
  if (v !== 0n) o[key] = uint64String(v);
}

function putList<T>(o: Json, key: string, items: T[], encode: (item: T) => unknown): void {
  if (items.length > 0) o[key] = items.map(encode);
}

function keyValue(kv: KeyValue): Json {
  const o: Json = {};
  putString(o, 'key', kv.key);
  o.value = anyValue(kv.value);
  return o;
}

function keyValues(o: Json, key: string, attributes: KeyValue[]): void {
  putList(o, key, attributes, keyValue);
}

function anyValue(v: AnyValue): Json {
  if (v.stringValue !== undefined) return { stringValue: v.stringValue };
  if (v.boolValue !== undefined) return { boolValue: v.boolValue };
  if (v.intValue !== undefined) return { intValue: BigInt.asIntN(64, v.intValue).toString() };
  if (v.doubleValue !== undefined) return { doubleValue: jsonDouble(v.doubleValue) };
  if (v.arrayValue !== undefined) return { arrayValue: listOf(v.arrayValue.values.map(anyValue)) };
  if (v.kvlistValue !== undefined) return { kvlistValue: listOf(v.kvlistValue.values.map(keyValue)) };
  if (v.bytesValue !== undefined) return { bytesValue: Buffer.from(v.bytesValue).toString('base64') };
  return {};
}

function listOf(values: unknown[]): Json {
  return values.length > 0 ? { values } : {};
}

function resource(r: Resource): Json {
  const o: Json = {};
  keyValues(o, 'attributes', r.attributes);
  putNumber(o, 'droppedAttributesCount', r.droppedAttributesCount);
  return o;
}

function scope(s: InstrumentationScope): Json {
  const o: Json = {};
  putString(o, 'name', s.name);
  putString(o, 'version', s.version);
  keyValues(o, 'attributes', s.attributes);
  putNumber(o, 'droppedAttributesCount', s.droppedAttributesCount);
  return o;
}

function resourceMetrics(rm: ResourceMetrics): Json {
  const o: Json = {};
  if (rm.resource !== undefined) o.resource = resource(rm.resource);
  putList(o, 'scopeMetrics', rm.scopeMetrics, scopeMetrics);
  putString(o, 'schemaUrl', rm.schemaUrl);
  return o;
}

function scopeMetrics(sm: ScopeMetrics): Json {
  const o: Json = {};
  if (sm.scope !== undefined) o.scope = scope(sm.scope);
  putList(o, 'metrics', sm.metrics, metric);
  putString(o, 'schemaUrl', sm.schemaUrl);
  return o;
}

/** Of the data members only the first set is written (one on valid input). */
function metric(m: Metric): Json {
  const o: Json = {};
  putString(o, 'name', m.name);
  putString(o, 'description', m.description);
  putString(o, 'unit', m.unit);
  if (m.gauge !== undefined) {
    o.gauge = dataPoints({}, m.gauge.dataPoints, numberDataPoint);
  } else if (m.sum !== undefined) {
    const sum = dataPoints({}, m.sum.dataPoints, numberDataPoint);
    putNumber(sum, 'aggregationTemporality', m.sum.aggregationTemporality);
    if (m.sum.isMonotonic) sum.isMonotonic = true;
    o.sum = sum;
  } else if (m.histogram !== undefined) {
    o.histogram = dataPoints({}, m.histogram.dataPoints, histogramDataPoint);
    putNumber(o.histogram as Json, 'aggregationTemporality', m.histogram.aggregationTemporality);
  } else if (m.exponentialHistogram !== undefined) {
    o.exponentialHistogram = dataPoints({}, m.exponentialHistogram.dataPoints, exponentialHistogramDataPoint);
    putNumber(o.exponentialHistogram as Json, 'aggregationTemporality', m.exponentialHistogram.aggregationTemporality);
  } else if (m.summary !== undefined) {
    o.summary = dataPoints({}, m.summary.dataPoints, summaryDataPoint);
  }
  keyValues(o, 'metadata', m.metadata);
  return o;
}

function dataPoints<T>(o: Json, points: T[], encode: (p: T) => Json): Json {
  putList(o, 'dataPoints', points, encode);
  return o;
}

function pointBase(p: { attributes: KeyValue[]; startTimeUnixNano: bigint; timeUnixNano: bigint }): Json {
  const o: Json = {};
  keyValues(o, 'attributes', p.attributes);
  putUint64(o, 'startTimeUnixNano', p.startTimeUnixNano);
  putUint64(o, 'timeUnixNano', p.timeUnixNano);
  return o;
}

function numberValue(o: Json, p: { asDouble?: number; asInt?: bigint }): void {
  if (p.asDouble !== undefined) o.asDouble = jsonDouble(p.asDouble);
  else if (p.asInt !== undefined) o.asInt = BigInt.asIntN(64, p.asInt).toString();
}

function numberDataPoint(p: NumberDataPoint): Json {
  const o = pointBase(p);
  numberValue(o, p);
  putList(o, 'exemplars', p.exemplars, exemplar);
  putNumber(o, 'flags', p.flags);
  return o;
}

function histogramDataPoint(p: HistogramDataPoint): Json {
  const o = pointBase(p);
  putUint64(o, 'count', p.count);
  putOptionalDouble(o, 'sum', p.sum);
  putList(o, 'bucketCounts', p.bucketCounts, uint64String);
  putList(o, 'explicitBounds', p.explicitBounds, jsonDouble);
  putList(o, 'exemplars', p.exemplars, exemplar);
  putNumber(o, 'flags', p.flags);
  putOptionalDouble(o, 'min', p.min);
  putOptionalDouble(o, 'max', p.max);
  return o;
}

function exponentialHistogramDataPoint(p: ExponentialHistogramDataPoint): Json {
  const o = pointBase(p);
  putUint64(o, 'count', p.count);
  putOptionalDouble(o, 'sum', p.sum);
  putNumber(o, 'scale', p.scale);
  putUint64(o, 'zeroCount', p.zeroCount);
  if (p.positive !== undefined) o.positive = buckets(p.positive);
  if (p.negative !== undefined) o.negative = buckets(p.negative);
  putNumber(o, 'flags', p.flags);
  putList(o, 'exemplars', p.exemplars, exemplar);
  putOptionalDouble(o, 'min', p.min);
  putOptionalDouble(o, 'max', p.max);
  putDouble(o, 'zeroThreshold', p.zeroThreshold);
  return o;
}

function buckets(b: ExponentialHistogramBuckets): Json {
  const o: Json = {};
  putNumber(o, 'offset', b.offset);
  putList(o, 'bucketCounts', b.bucketCounts, uint64String);
  return o;
}

function summaryDataPoint(p: SummaryDataPoint): Json {
  const o = pointBase(p);
  putUint64(o, 'count', p.count);
  putDouble(o, 'sum', p.sum);
  putList(o, 'quantileValues', p.quantileValues, valueAtQuantile);
  putNumber(o, 'flags', p.flags);
  return o;
}

function valueAtQuantile(q: ValueAtQuantile): Json {
  const o: Json = {};
  putDouble(o, 'quantile', q.quantile);
  putDouble(o, 'value', q.value);
  return o;
}

function exemplar(e: Exemplar): Json {
  const o: Json = {};
  keyValues(o, 'filteredAttributes', e.filteredAttributes);
  putUint64(o, 'timeUnixNano', e.timeUnixNano);
  numberValue(o, e);
  if (e.spanId.length > 0) o.spanId = Buffer.from(e.spanId).toString('hex');
  if (e.traceId.length > 0) o.traceId = Buffer.from(e.traceId).toString('hex');
  return o;
}

/**
 * Encodes an `ExportMetricsServiceRequest` as OTLP/JSON: lowerCamelCase keys,
 * 64-bit integers as decimal strings, enums as integers, trace and span ids
 * as lowercase hex, `bytesValue` as base64, NaN and infinities (and -0) as
 * strings; proto3 defaults are left out.
 */
export function encodeMetricsRequestJson(request: ExportMetricsServiceRequest): string {
  const o: Json = {};
  putList(o, 'resourceMetrics', request.resourceMetrics, resourceMetrics);
  return JSON.stringify(o);
}

/** Encodes an `ExportMetricsServiceResponse` as OTLP/JSON. */
export function encodeMetricsResponseJson(response: ExportMetricsServiceResponse): string {
  const partial = response.partialSuccess;
  if (partial === undefined) return '{}';
  const p: Json = {};
  if (partial.rejectedDataPoints !== 0n) p.rejectedDataPoints = BigInt.asIntN(64, partial.rejectedDataPoints).toString();
  putString(p, 'errorMessage', partial.errorMessage);
  return JSON.stringify({ partialSuccess: p });
}

function protoAny(d: ProtoAny): Json {
  return { '@type': d.typeUrl, value: Buffer.from(d.value).toString('base64') };
}

/**
 * Encodes a `google.rpc.Status` as JSON. Each detail is written as
 * `{"@type": typeUrl, "value": base64}` since its message type is opaque here.
 */
export function encodeRpcStatusJson(status: RpcStatus): string {
  const o: Json = {};
  putNumber(o, 'code', status.code);
  putString(o, 'message', status.message);
  putList(o, 'details', status.details, protoAny);
  return JSON.stringify(o);
}

/** The common messages' encoders, for the trace encoder. */
export { keyValue as jsonKeyValueOf, resource as jsonResourceOf, scope as jsonScopeOf };
