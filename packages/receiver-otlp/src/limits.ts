import {
  decodeMetricsRequest,
  decodeTraceRequest,
  OtlpAttributeLimitError,
  type AnyValue,
  type ExportMetricsServiceRequest,
  type ExportTraceServiceRequest,
  type KeyValue,
  type Metric,
  type SpanAttributeSelection,
} from '@otel-dp/otlp';
import { fieldName, type ReceiverSettingName } from './config.js';
import { AttributeLimitError } from './errors.js';

/**
 * Deepest nesting of arrays and key-value lists inside an attribute value: a
 * value in an attribute list is at depth 1, a value inside it at depth 2.
 * OpenTelemetry attributes seldom nest at all; the decoder's own cap (32)
 * protects the stack, this one keeps series keys flat and cheap.
 */
export const MAX_ATTRIBUTE_NESTING_DEPTH = 8;

// What a measurement returns when a list breaks a limit other than the count;
// a count is never negative, so these cannot be mistaken for one.
const KEY_TOO_LONG = -1;
const STRING_TOO_LONG = -2;
const BYTES_TOO_LONG = -3;
const TOO_DEEP = -4;


/**
 * Checks the attributes of a decoded request against the receiver's limits:
 * resource, scope and data-point attributes of every metric type, nested
 * arrays and key-value lists included. Exemplar attributes and metric
 * metadata are not checked: the processor drops both.
 *
 * The check is one pass over the request with indexed loops and numeric
 * results, so an accepted request costs no allocation; only a refusal builds
 * its message.
 */
export class AttributeLimits {
  readonly #maxAttributes: number;
  readonly #maxLength: number;
  readonly #attributesName: string;
  readonly #lengthName: string;
  /**
   * Frozen lists already found within the limits. The decoder shares one
   * frozen list among all points with the same encoded attributes, and a
   * frozen list cannot change, so each is measured once; held weakly.
   */
  readonly #accepted = new WeakSet<KeyValue[]>();

  /**
   * @param maxAttributes Most entries in one attribute list, nested key-value entries included.
   * @param maxLength Longest key, string (UTF-16 code units) or bytes value.
   * @param settingName What clients are told the limits are called; default the fields' names.
   */
  constructor(maxAttributes: number, maxLength: number, settingName: ReceiverSettingName = fieldName) {
    this.#maxAttributes = maxAttributes;
    this.#maxLength = maxLength;
    this.#attributesName = settingName('maxAttributesPerPoint');
    this.#lengthName = settingName('maxAttributeValueLength');
  }

  /**
   * Checks every attribute list of the request; the first one past a limit
   * refuses the whole request.
   * @throws {AttributeLimitError} naming the limit and the attribute list, never a key or value.
   */
  check(request: ExportMetricsServiceRequest): void {
    const resources = request.resourceMetrics;
    for (let r = 0; r < resources.length; r++) {
      const resource = resources[r].resource;
      if (resource !== undefined) this.#checkList(resource.attributes, undefined, r, -1, -1, -1);
      const scopes = resources[r].scopeMetrics;
      for (let s = 0; s < scopes.length; s++) {
        const scope = scopes[s].scope;
        if (scope !== undefined) this.#checkList(scope.attributes, undefined, r, s, -1, -1);
        const metrics = scopes[s].metrics;
        for (let m = 0; m < metrics.length; m++) {
          const metric = metrics[m];
          // Every point type has `attributes`; one loop serves all five.
          const points = (metric.gauge ?? metric.sum ?? metric.histogram ?? metric.exponentialHistogram ?? metric.summary)?.dataPoints;
          if (points === undefined) continue;
          for (let p = 0; p < points.length; p++) this.#checkList(points[p].attributes, metric, r, s, m, p);
        }
      }
    }
  }

  /**
   * The same check for a trace request: resource, scope and span attribute
   * lists. Events and links are not checked: the decoder skips them.
   * @throws {AttributeLimitError} naming the limit and the list by position, never a span name, key or value.
   */
  checkTraces(request: ExportTraceServiceRequest): void {
    const resources = request.resourceSpans;
    for (let r = 0; r < resources.length; r++) {
      const resource = resources[r].resource;
      if (resource !== undefined) this.#checkTraceList(resource.attributes, r, -1, -1);
      const scopes = resources[r].scopeSpans;
      for (let s = 0; s < scopes.length; s++) {
        const scope = scopes[s].scope;
        if (scope !== undefined) this.#checkTraceList(scope.attributes, r, s, -1);
        const spans = scopes[s].spans;
        for (let i = 0; i < spans.length; i++) this.#checkTraceList(spans[i].attributes, r, s, i);
      }
    }
  }

  // The indexes locate the list in the request; -1 where they do not apply.
  #checkList(list: KeyValue[], metric: Metric | undefined, resource: number, scope: number, metricIndex: number, point: number): void {
    const measured = this.#measure(list);
    if (measured !== undefined) throw this.#violation(measured, describeList(metric, resource, scope, metricIndex, point));
  }

  #checkTraceList(list: KeyValue[], resource: number, scope: number, span: number): void {
    const measured = this.#measure(list);
    if (measured !== undefined) throw this.#violation(measured, describeTraceList(resource, scope, span));
  }

  /** Undefined when the list is within the limits, else what {@link measureList} found. */
  #measure(list: KeyValue[]): number | undefined {
    if (this.#accepted.has(list)) return undefined;
    const measured = measureList(list, 1, this.#maxLength, this.#maxAttributes);
    if (measured >= 0 && measured <= this.#maxAttributes) {
      if (Object.isFrozen(list)) this.#accepted.add(list);
      return undefined;
    }
    return measured;
  }

  #violation(measured: number, where: string): AttributeLimitError {
    const length = this.#maxLength;
    switch (measured) {
      case KEY_TOO_LONG:
        return tooLong(`${where} has an attribute key longer than ${length} characters (${this.#lengthName})`);
      case STRING_TOO_LONG:
        return tooLong(`${where} has a string attribute value longer than ${length} characters (${this.#lengthName})`);
      case BYTES_TOO_LONG:
        return tooLong(`${where} has a bytes attribute value longer than ${length} bytes (${this.#lengthName})`);
      case TOO_DEEP:
        return new AttributeLimitError(
          'RECEIVER_ATTRIBUTE_TOO_DEEP',
          `${where} has an attribute value with arrays or key-value lists nested deeper than ${MAX_ATTRIBUTE_NESTING_DEPTH} levels`,
        );
      default:
        return new AttributeLimitError(
          'RECEIVER_TOO_MANY_ATTRIBUTES',
          `${where} has more than ${this.#maxAttributes} attributes, nested key-value entries included (${this.#attributesName})`,
        );
    }
  }
}

function tooLong(message: string): AttributeLimitError {
  return new AttributeLimitError('RECEIVER_ATTRIBUTE_TOO_LONG', message);
}

/**
 * The entries of `list` plus those of key-value lists nested in its values,
 * or a negative code for the first key or value past `maxLength` or nested
 * too deep. Counting stops as soon as it passes `budget`, so a huge list
 * costs no more than the limit.
 */
function measureList(list: KeyValue[], depth: number, maxLength: number, budget: number): number {
  let count = list.length;
  if (count > budget) return count;
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (entry.key.length > maxLength) return KEY_TOO_LONG;
    const nested = measureValue(entry.value, depth, maxLength, budget - count);
    if (nested < 0) return nested;
    count += nested;
    if (count > budget) return count;
  }
  return count;
}

/** Key-value entries nested in one value (at `depth`), or a negative code. */
function measureValue(value: AnyValue, depth: number, maxLength: number, budget: number): number {
  if (value.stringValue !== undefined) return value.stringValue.length > maxLength ? STRING_TOO_LONG : 0;
  if (value.bytesValue !== undefined) return value.bytesValue.byteLength > maxLength ? BYTES_TOO_LONG : 0;
  if (value.kvlistValue !== undefined) {
    return depth >= MAX_ATTRIBUTE_NESTING_DEPTH ? TOO_DEEP : measureList(value.kvlistValue.values, depth + 1, maxLength, budget);
  }
  if (value.arrayValue !== undefined) {
    if (depth >= MAX_ATTRIBUTE_NESTING_DEPTH) return TOO_DEEP;
    const values = value.arrayValue.values;
    let count = 0;
    for (let i = 0; i < values.length; i++) {
      const nested = measureValue(values[i], depth + 1, maxLength, budget - count);
      if (nested < 0) return nested;
      count += nested;
      if (count > budget) return count;
    }
    return count;
  }
  return 0;
}

/** Where an attribute list is, in words and as a path into the request. */
function describeList(metric: Metric | undefined, resource: number, scope: number, metricIndex: number, point: number): string {
  const resourcePath = `resourceMetrics[${resource}]`;
  if (scope < 0) return `the resource attributes of ${resourcePath}`;
  const scopePath = `${resourcePath}.scopeMetrics[${scope}]`;
  if (metric === undefined) return `the scope attributes of ${scopePath}`;
  // By position only: a metric name is the client's text and may carry a token.
  return `data point ${point} of ${scopePath}.metrics[${metricIndex}]`;
}

/** Where an attribute list of a trace request is, as a path into the request. */
function describeTraceList(resource: number, scope: number, span: number): string {
  const resourcePath = `resourceSpans[${resource}]`;
  if (scope < 0) return `the resource attributes of ${resourcePath}`;
  const scopePath = `${resourcePath}.scopeSpans[${scope}]`;
  if (span < 0) return `the scope attributes of ${scopePath}`;
  return `span ${span} of ${scopePath}`;
}

/**
 * Decodes a protobuf request, refusing it as soon as one attribute list
 * passes `maxAttributesPerPoint`: a request of a million attributes on one
 * point is refused after the first few, not decoded whole and then counted.
 * The check after decoding ({@link AttributeLimits}) still counts nested
 * key-value entries and lengths.
 * @throws {AttributeLimitError} RECEIVER_TOO_MANY_ATTRIBUTES, naming the field, never a key or value.
 */
export function decodeWithinAttributeLimit(body: Uint8Array, maxAttributesPerPoint: number, settingName: ReceiverSettingName = fieldName): ExportMetricsServiceRequest {
  return withinAttributeLimit(() => decodeMetricsRequest(body, { maxAttributesPerList: maxAttributesPerPoint }), settingName);
}

/**
 * {@link decodeWithinAttributeLimit} for a protobuf trace request: a span's
 * attribute list counts as a point's. With `spanAttributes`, spans keep only
 * those attributes (see {@link SpanAttributeSelection}).
 */
export function decodeTracesWithinAttributeLimit(
  body: Uint8Array,
  maxAttributesPerPoint: number,
  settingName: ReceiverSettingName = fieldName,
  spanAttributes?: SpanAttributeSelection,
): ExportTraceServiceRequest {
  return withinAttributeLimit(() => decodeTraceRequest(body, { maxAttributesPerList: maxAttributesPerPoint, spanAttributes }), settingName);
}

function withinAttributeLimit<T>(decode: () => T, settingName: ReceiverSettingName): T {
  try {
    return decode();
  } catch (error) {
    if (!(error instanceof OtlpAttributeLimitError)) throw error;
    throw new AttributeLimitError('RECEIVER_TOO_MANY_ATTRIBUTES', `${error.field} at byte ${error.at} has more than ${error.maxAttributes} attributes (${settingName('maxAttributesPerPoint')})`);
  }
}
