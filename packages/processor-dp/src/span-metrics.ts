import {
  AggregationTemporality,
  MAX_SPAN_DURATION_NANOS,
  type AnyValue,
  type ExponentialHistogramDataPoint,
  type ExportMetricsServiceRequest,
  type ExportTraceServiceRequest,
  type HistogramDataPoint,
  type KeyValue,
  type Metric,
  type NumberDataPoint,
  type Span,
} from '@otel-dp/otlp';
import { tokenIn } from './attributes.js';
import { DEFAULT_EXPONENTIAL_BUCKETS, DEFAULT_EXPONENTIAL_SCALE } from './config.js';
import {
  DEFAULT_SPAN_DURATION_BOUNDS_MS,
  SPAN_CALLS_METRIC,
  SPAN_DURATION_METRIC,
  SPAN_KIND_NAMES,
  validateSpanMetricsOptions,
  type SpanMetricsOptions,
  type SpanMetricsResult,
} from './span-metrics-options.js';

export {
  DEFAULT_SPAN_CALLS_PER_WINDOW,
  DEFAULT_SPAN_DURATION_BOUNDS_MS,
  DEFAULT_SPAN_DURATION_CLIP_MS,
  SPAN_CALLS_METRIC,
  SPAN_DURATION_METRIC,
  SPAN_METRICS_CLIP_COUNT_RULES,
  SPAN_METRICS_CLIP_RULES,
  withSpanMetricsClipDefaults,
  SPAN_KIND_NAMES,
  SPAN_METRICS_DIMENSIONS,
  parseSpanKinds,
  validateSpanMetricsOptions,
  type SpanDurationHistogram,
  type SpanMetricsOptions,
  type SpanMetricsResult,
} from './span-metrics-options.js';

// Span metrics as the Collector's spanmetrics connector writes them (default
// namespace `traces.span.metrics`, delta temporality, explicit buckets in
// milliseconds or an exponential histogram), with one difference that
// privacy requires: the only attributes are the four dimensions, the
// configured extra dimensions and the token. The connector also copies the
// resource's attributes; here nothing else of a span (ids, other
// attributes, events, links, timestamps) reaches the output, because a span
// is one request and those fields single it out. The points go to the
// DpProcessor like any metric, so spans and metrics share one budget and one
// privacy unit, the token.

/** The connector's scope name. */
export const SPAN_METRICS_SCOPE = 'spanmetricsconnector';
/** The resource attribute read for the `service.name` dimension, and its value when absent (as OpenTelemetry SDKs default it). */
export const UNKNOWN_SERVICE = 'unknown_service';
const STATUS_CODE_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const NANOS_PER_MILLI = 1e6;
/**
 * The longest span counted, as a number: exact (below 2^53), and rounding
 * a difference to a number keeps its order against it, so the bound is the
 * same as {@link MAX_SPAN_DURATION_NANOS} without a BigInt comparison per span.
 */
const MAX_DURATION_NANOS = Number(MAX_SPAN_DURATION_NANOS);

/**
 * Frozen attribute lists of the groups already seen, by options and group
 * key. The same (token, dimensions) recurs request after request, and the
 * DpProcessor remembers a frozen list's token, series and window entry by
 * its identity, so a recurring group costs it one lookup instead of hashing
 * and comparing its attributes (on requests whose every span is a group of
 * its own, the sidecar's CPU per span fell by about a quarter). At most
 * {@link MAX_CACHED_LISTS} are kept (about 6 MB); past it the cache starts over.
 */
const groupLists = new Map<string, Map<string, KeyValue[]>>();
const MAX_CACHED_LISTS = 16_384;
let cachedLists = 0;

/**
 * Without extra dimensions a group is found without building its key: by
 * token (a string the decoder hands out again for the same bytes, whose
 * hash V8 keeps), then among that token's few groups by service name, span
 * name, kind and status, compared in place. This is the cache of
 * {@link groupLists} for that case, by options; each slot also holds the
 * group of the request being counted, so a request needs no map of its
 * own. Building and hashing the key string was a fifth of the sidecar's CPU
 * on requests of a thousand tokens, and a map by service and one by span
 * name after the token's cost a lookup each. It starts over, between
 * requests, once it holds {@link MAX_CACHED_LISTS} lists.
 */
const groupSlots = new Map<string, Map<string | undefined, TokenSlots>>();
let cachedSlots = 0;
/** Numbers each request, so a slot knows whether its group is this request's. */
let requestNumber = 0;
const STATUS_COUNT = 3;
/** A token's slots compared one by one; past this many (a token of many span names) the rest are found by key. */
const SCANNED_SLOTS = 16;

interface GroupSlot {
  service: string;
  name: string;
  /** Kind and status: kind × {@link STATUS_COUNT} + status. */
  at: number;
  attributes: KeyValue[];
  request: number;
  group: Group | undefined;
}

interface TokenSlots {
  scanned: GroupSlot[];
  byKey: Map<string, GroupSlot> | undefined;
}
/** BigInt counts below this come from a table: bucket counts are mostly 0 and 1, and each BigInt() is an allocation. */
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));

function bigCount(n: number): bigint {
  return n < SMALL_BIGINTS.length ? SMALL_BIGINTS[n] : BigInt(n);
}
interface Group {
  attributes: KeyValue[];
  calls: number;
  sum: number;
  /** Explicit bucket counts, or undefined for exponential. */
  buckets: number[] | undefined;
  /** Exponential bucket counts by index at `scale`. */
  exponential: Map<number, number> | undefined;
  zeroCount: number;
}

interface Settings {
  /** What, beside a group's key, decides its attribute list: the token attribute and the dimension names. */
  listPrefix: string;
  tokenAttribute: string;
  dimensions: readonly string[];
  bounds: readonly number[];
  exponential: boolean;
  scale: number;
}

/**
 * Turns a decoded trace request into the spanmetrics connector's two
 * metrics, one point per (token, service.name, span.name, span.kind,
 * status.code, extra dimensions) in the request, each carrying the token
 * attribute so the DpProcessor bounds and noises it per token.
 *
 * Each span counts exactly once: a sampling weight (tracestate `th`) is not
 * applied, because a span counted `w` times would make one request weigh `w`
 * in a token's contribution. Unknown kinds count as SPAN_KIND_UNSPECIFIED and
 * unknown status codes as STATUS_CODE_UNSET.
 *
 * @throws {DpConfigError} for options that are not valid (see
 *   {@link validateSpanMetricsOptions}); decoded input never throws here.
 */
export function spanMetrics(request: ExportTraceServiceRequest, options: SpanMetricsOptions): SpanMetricsResult {
  validateSpanMetricsOptions(options);
  const dimensions = options.spanDimensions ?? [];
  const settings: Settings = {
    listPrefix: `${options.tokenAttribute.length}:${options.tokenAttribute}${dimensions.map((name) => `${name.length}:${name}`).join('')}|`,
    tokenAttribute: options.tokenAttribute,
    dimensions,
    bounds: options.durationBoundsMs ?? DEFAULT_SPAN_DURATION_BOUNDS_MS,
    exponential: options.durationHistogram === 'exponential',
    scale: options.exponentialScale ?? DEFAULT_EXPONENTIAL_SCALE,
  };
  const kinds = options.spanKinds === undefined ? undefined : new Set(options.spanKinds);
  const groups: Group[] = [];
  const keyed = new Map<string, Group>();
  const thisRequest = ++requestNumber;
  let slots: Map<string | undefined, TokenSlots> | undefined;
  if (dimensions.length === 0) {
    if (cachedSlots >= MAX_CACHED_LISTS) {
      groupSlots.clear();
      cachedSlots = 0;
    }
    slots = groupSlots.get(settings.listPrefix);
    if (slots === undefined) groupSlots.set(settings.listPrefix, (slots = new Map()));
  }
  const result = { counted: 0, untokened: 0, invalid: 0, skipped: 0 };
  for (const resourceSpans of request.resourceSpans) {
    const resourceAttributes = resourceSpans.resource?.attributes ?? [];
    const service = serviceName(resourceAttributes);
    const resourceToken = tokenIn(resourceAttributes, settings.tokenAttribute);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const scopeToken = tokenIn(scopeSpans.scope?.attributes ?? [], settings.tokenAttribute) ?? resourceToken;
      for (const span of scopeSpans.spans) {
        const nanos = Number(span.endTimeUnixNano - span.startTimeUnixNano);
        if (nanos < 0 || nanos > MAX_DURATION_NANOS) {
          result.invalid++;
          continue;
        }
        if (kinds !== undefined && !kinds.has(knownKind(span.kind))) {
          result.skipped++;
          continue;
        }
        const token = tokenIn(span.attributes, settings.tokenAttribute) ?? scopeToken;
        if (token === undefined) {
          result.untokened++;
          if (options.untokened === 'drop') continue;
        }
        result.counted++;
        const group =
          slots === undefined ? keyedGroup(groups, keyed, span, service, resourceAttributes, token, settings) : slotGroup(groups, slots, thisRequest, span, service, token, settings);
        count(group, nanos / NANOS_PER_MILLI, settings);
      }
    }
  }
  const maxBuckets = options.exponentialMaxBuckets ?? DEFAULT_EXPONENTIAL_BUCKETS;
  return { metrics: buildRequest(groups, options.timeUnixNano, settings, maxBuckets), ...result };
}

function knownKind(kind: number): number {
  return kind >= 0 && kind < SPAN_KIND_NAMES.length ? kind : 0;
}

function serviceName(attributes: readonly KeyValue[]): string {
  for (const attribute of attributes) {
    if (attribute.key === 'service.name' && attribute.value.stringValue !== undefined && attribute.value.stringValue !== '') return attribute.value.stringValue;
  }
  return UNKNOWN_SERVICE;
}

/** The scalar value of attribute `key`, or undefined when absent or not a scalar. */
function dimensionValue(attributes: readonly KeyValue[], key: string): AnyValue | undefined {
  for (let i = 0; i < attributes.length; i++) {
    if (attributes[i].key !== key) continue;
    const v = attributes[i].value;
    if (v.stringValue !== undefined) return { stringValue: v.stringValue };
    if (v.intValue !== undefined) return { intValue: v.intValue };
    if (v.doubleValue !== undefined) return { doubleValue: v.doubleValue };
    if (v.boolValue !== undefined) return { boolValue: v.boolValue };
    return undefined;
  }
  return undefined;
}

// Length prefixes and type tags keep two different dimension sets from sharing a key whatever their characters.
function keyPart(value: AnyValue | undefined): string {
  if (value === undefined) return '-';
  if (value.stringValue !== undefined) return `s${value.stringValue.length}:${value.stringValue}`;
  if (value.intValue !== undefined) return `i${value.intValue};`;
  if (value.doubleValue !== undefined) return `d${value.doubleValue};`;
  return value.boolValue === true ? 't' : 'f';
}

/** The request's group of a span when there are no extra dimensions (see {@link groupSlots}). */
function slotGroup(
  groups: Group[],
  byToken: Map<string | undefined, TokenSlots>,
  request: number,
  span: Span,
  service: string,
  token: string | undefined,
  settings: Settings,
): Group {
  let tokenSlots = byToken.get(token);
  if (tokenSlots === undefined) byToken.set(token, (tokenSlots = { scanned: [], byKey: undefined }));
  const name = span.name;
  const kindIndex = knownKind(span.kind);
  const statusIndex = STATUS_CODE_NAMES[span.statusCode] === undefined ? 0 : span.statusCode;
  const at = kindIndex * STATUS_COUNT + statusIndex;
  let slot: GroupSlot | undefined;
  const scanned = tokenSlots.scanned;
  for (let i = 0; i < scanned.length; i++) {
    const candidate = scanned[i];
    if (candidate.at === at && candidate.name === name && candidate.service === service) {
      slot = candidate;
      break;
    }
  }
  let slotKey: string | undefined;
  if (slot === undefined && scanned.length >= SCANNED_SLOTS) {
    slotKey = `${service.length}:${service}${name.length}:${name}${at}`;
    slot = tokenSlots.byKey?.get(slotKey);
  }
  if (slot === undefined) {
    const kind = SPAN_KIND_NAMES[kindIndex];
    const status = STATUS_CODE_NAMES[statusIndex];
    const tokenPart = token === undefined ? '-' : `${token.length}:${token}`;
    const key = `${tokenPart}${service.length}:${service}${name.length}:${name}${kind}${status}`;
    slot = { service, name, at, attributes: groupAttributes(settings, key, service, name, kind, status, undefined, token), request: 0, group: undefined };
    if (slotKey === undefined) scanned.push(slot);
    else (tokenSlots.byKey ??= new Map()).set(slotKey, slot);
    cachedSlots++;
  }
  if (slot.group === undefined || !fitsSettings(slot.group, settings)) {
    slot.group = newGroup(slot.attributes, settings);
  } else if (slot.request !== request) {
    // buildRequest copies every count out, so the last request's group is started over rather than allocated again.
    const group = slot.group;
    group.calls = 0;
    group.sum = 0;
    group.zeroCount = 0;
    group.buckets?.fill(0);
    group.exponential?.clear();
  }
  if (slot.request !== request) {
    slot.request = request;
    groups.push(slot.group);
  }
  return slot.group;
}

/** Whether a group counts with these settings' histogram: slots are shared by options that may differ in it. */
function fitsSettings(group: Group, settings: Settings): boolean {
  return settings.exponential ? group.exponential !== undefined : group.buckets?.length === settings.bounds.length + 1;
}

function newGroup(attributes: KeyValue[], settings: Settings): Group {
  return {
    attributes,
    calls: 0,
    sum: 0,
    buckets: settings.exponential ? undefined : new Array<number>(settings.bounds.length + 1).fill(0),
    exponential: settings.exponential ? new Map() : undefined,
    zeroCount: 0,
  };
}

/** The request's group of a span, by its key string: the way with extra dimensions. */
function keyedGroup(groups: Group[], keyed: Map<string, Group>, span: Span, service: string, resourceAttributes: readonly KeyValue[], token: string | undefined, settings: Settings): Group {
  const kind = SPAN_KIND_NAMES[knownKind(span.kind)];
  const status = STATUS_CODE_NAMES[span.statusCode] ?? STATUS_CODE_NAMES[0];
  const tokenPart = token === undefined ? '-' : `${token.length}:${token}`;
  let key = `${tokenPart}${service.length}:${service}${span.name.length}:${span.name}${kind}${status}`;
  let extra: (AnyValue | undefined)[] | undefined;
  if (settings.dimensions.length > 0) {
    extra = settings.dimensions.map((name) => dimensionValue(span.attributes, name) ?? dimensionValue(resourceAttributes, name));
    for (const value of extra) key += keyPart(value);
  }
  let group = keyed.get(key);
  if (group === undefined) {
    group = newGroup(groupAttributes(settings, key, service, span.name, kind, status, extra, token), settings);
    keyed.set(key, group);
    groups.push(group);
  }
  return group;
}

function count(group: Group, ms: number, settings: Settings): void {
  group.calls++;
  group.sum += ms;
  if (group.buckets !== undefined) {
    group.buckets[bucketOf(settings.bounds, ms)]++;
  } else if (ms === 0) {
    group.zeroCount++;
  } else {
    const index = Math.ceil(Math.log2(ms) * 2 ** settings.scale) - 1;
    group.exponential!.set(index, (group.exponential!.get(index) ?? 0) + 1);
  }
}

/** The group's attribute list, frozen and shared with earlier groups of the same key. */
function groupAttributes(
  settings: Settings,
  key: string,
  service: string,
  name: string,
  kind: string,
  status: string,
  extra: (AnyValue | undefined)[] | undefined,
  token: string | undefined,
): KeyValue[] {
  // By options, then by the group key: the key string is hashed once for both maps.
  let lists = groupLists.get(settings.listPrefix);
  if (lists === undefined) groupLists.set(settings.listPrefix, (lists = new Map()));
  let attributes = lists.get(key);
  if (attributes !== undefined) return attributes;
  attributes = [
    { key: 'service.name', value: { stringValue: service } },
    { key: 'span.name', value: { stringValue: name } },
    { key: 'span.kind', value: { stringValue: kind } },
    { key: 'status.code', value: { stringValue: status } },
  ];
  if (extra !== undefined) {
    for (let i = 0; i < extra.length; i++) {
      const value = extra[i];
      if (value !== undefined) attributes.push({ key: settings.dimensions[i], value });
    }
  }
  if (token !== undefined) attributes.push({ key: settings.tokenAttribute, value: { stringValue: token } });
  for (const attribute of attributes) Object.freeze(Object.freeze(attribute).value);
  Object.freeze(attributes);
  if (cachedLists >= MAX_CACHED_LISTS) {
    groupLists.clear();
    groupLists.set(settings.listPrefix, lists);
    lists.clear();
    cachedLists = 0;
  }
  lists.set(key, attributes);
  cachedLists++;
  return attributes;
}

/** The first bound at or above `ms` (OTLP's buckets include their upper bound), or the overflow bucket. */
function bucketOf(bounds: readonly number[], ms: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bounds[mid] < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * An exponential point from bucket counts by index at `scale`: downscaled
 * (index i becomes ⌊i / 2⌋ at scale − 1) until the buckets span at most `maxBuckets`.
 */
function exponentialPoint(group: Group, scale: number, maxBuckets: number, base: Omit<ExponentialHistogramDataPoint, 'count' | 'sum' | 'scale' | 'zeroCount' | 'zeroThreshold'>): ExponentialHistogramDataPoint {
  let counts = group.exponential!;
  const indices = [...counts.keys()];
  let low = Math.min(...indices);
  let high = Math.max(...indices);
  while (counts.size > 0 && high - low + 1 > maxBuckets && scale > -10) {
    const merged = new Map<number, number>();
    for (const [index, n] of counts) merged.set(Math.floor(index / 2), (merged.get(Math.floor(index / 2)) ?? 0) + n);
    counts = merged;
    scale--;
    low = Math.floor(low / 2);
    high = Math.floor(high / 2);
  }
  const point: ExponentialHistogramDataPoint = { ...base, count: BigInt(group.calls), sum: group.sum, scale, zeroCount: BigInt(group.zeroCount), zeroThreshold: 0 };
  if (counts.size > 0) {
    const bucketCounts = new Array<bigint>(high - low + 1).fill(0n);
    for (const [index, n] of counts) bucketCounts[index - low] += BigInt(n);
    point.positive = { offset: low, bucketCounts };
  }
  return point;
}

function buildRequest(groups: readonly Group[], timeUnixNano: bigint, settings: Settings, maxBuckets: number): ExportMetricsServiceRequest {
  if (groups.length === 0) return { resourceMetrics: [] };
  const calls: NumberDataPoint[] = [];
  const durations: HistogramDataPoint[] = [];
  const exponentialDurations: ExponentialHistogramDataPoint[] = [];
  const explicitBounds = [...settings.bounds];
  for (const group of groups) {
    const attributes = group.attributes;
    const count = bigCount(group.calls);
    calls.push({ attributes, startTimeUnixNano: timeUnixNano, timeUnixNano, asInt: count, exemplars: [], flags: 0 });
    if (group.buckets !== undefined) {
      const bucketCounts = new Array<bigint>(group.buckets.length);
      for (let i = 0; i < bucketCounts.length; i++) bucketCounts[i] = bigCount(group.buckets[i]);
      durations.push({ attributes, startTimeUnixNano: timeUnixNano, timeUnixNano, count, sum: group.sum, bucketCounts, explicitBounds, exemplars: [], flags: 0 });
    } else {
      exponentialDurations.push(exponentialPoint(group, settings.scale, maxBuckets, { attributes, startTimeUnixNano: timeUnixNano, timeUnixNano, exemplars: [], flags: 0 }));
    }
  }
  const duration: Metric = settings.exponential
    ? { name: SPAN_DURATION_METRIC, description: '', unit: 'ms', metadata: [], exponentialHistogram: { dataPoints: exponentialDurations, aggregationTemporality: AggregationTemporality.DELTA } }
    : { name: SPAN_DURATION_METRIC, description: '', unit: 'ms', metadata: [], histogram: { dataPoints: durations, aggregationTemporality: AggregationTemporality.DELTA } };
  return {
    resourceMetrics: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: SPAN_METRICS_SCOPE, version: '', attributes: [], droppedAttributesCount: 0 },
            metrics: [
              { name: SPAN_CALLS_METRIC, description: '', unit: '', metadata: [], sum: { dataPoints: calls, aggregationTemporality: AggregationTemporality.DELTA, isMonotonic: true } },
              duration,
            ],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}
