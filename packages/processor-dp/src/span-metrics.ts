import {
  AggregationTemporality,
  type ExponentialHistogramDataPoint,
  type ExportMetricsServiceRequest,
  type ExportTraceServiceRequest,
  type HistogramDataPoint,
  type KeyValue,
  type Metric,
  type NumberDataPoint,
} from '@otel-dp/otlp';
import { DEFAULT_EXPONENTIAL_BUCKETS, DEFAULT_EXPONENTIAL_SCALE } from './config.js';
import {
  DEFAULT_SPAN_DURATION_BOUNDS_MS,
  SPAN_CALLS_METRIC,
  SPAN_DURATION_METRIC,
  validateSpanMetricsOptions,
  type SpanMetricsOptions,
  type SpanMetricsResult,
} from './span-metrics-options.js';
import { SpanGroups, bucketOf, forEachCountedSpan, type SpanGroup } from './span-groups.js';

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
  type SpanMetricsConfig,
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
export { UNKNOWN_SERVICE } from './span-groups.js';

/** The identity (name, description, unit) of the two span metrics, shared by every way spans reach the window. */
export const SPAN_CALLS_IDENTITY = Object.freeze({ name: SPAN_CALLS_METRIC, description: '', unit: '' });
export const SPAN_DURATION_IDENTITY = Object.freeze({ name: SPAN_DURATION_METRIC, description: '', unit: 'ms' });

/** Groups of span metrics requests, by settings; each holds its group's counts for the request last counted. */
const requestGroups = new Map<string, SpanGroups<RequestGroup>>();
/** Most settings kept (a program uses one or two); past it the cache starts over. */
const MAX_CACHED_SETTINGS = 64;
const MAX_CACHED_GROUPS = 16_384;
/** Numbers each request, so a group knows whether its counts are this request's. */
let requestNumber = 0;

/** BigInt counts below this come from a table: bucket counts are mostly 0 and 1, and each BigInt() is an allocation. */
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));

function bigCount(n: number): bigint {
  return n < SMALL_BIGINTS.length ? SMALL_BIGINTS[n] : BigInt(n);
}

interface RequestGroup extends SpanGroup {
  /** The request whose spans the counts below are of (0: none yet). */
  request: number;
  calls: number;
  sum: number;
  /** Explicit bucket counts, or undefined for exponential. */
  buckets: number[] | undefined;
  /** Exponential bucket counts by index at `scale`. */
  exponential: Map<number, number> | undefined;
  zeroCount: number;
}

interface Settings {
  bounds: readonly number[];
  exponential: boolean;
  scale: number;
}

/**
 * Turns a decoded trace request into the spanmetrics connector's two
 * metrics, one point per (token, service.name, span.name, span.kind,
 * status.code, extra dimensions) in the request, each carrying the token
 * attribute so the DpProcessor bounds and noises it per token. Which spans
 * count, and how often, is {@link forEachCountedSpan}'s. Unknown kinds count as
 * SPAN_KIND_UNSPECIFIED and unknown status codes as STATUS_CODE_UNSET.
 *
 * @throws {DpConfigError} for options that are not valid (see
 *   {@link validateSpanMetricsOptions}); decoded input never throws here.
 */
export function spanMetrics(request: ExportTraceServiceRequest, options: SpanMetricsOptions): SpanMetricsResult {
  validateSpanMetricsOptions(options);
  const dimensions = options.spanDimensions ?? [];
  const settings: Settings = {
    bounds: options.durationBoundsMs ?? DEFAULT_SPAN_DURATION_BOUNDS_MS,
    exponential: options.durationHistogram === 'exponential',
    scale: options.exponentialScale ?? DEFAULT_EXPONENTIAL_SCALE,
  };
  const histogramKey = settings.exponential ? `e${settings.scale}` : settings.bounds.join(',');
  const cacheKey = JSON.stringify([options.tokenAttribute, dimensions, histogramKey]);
  let index = requestGroups.get(cacheKey);
  if (index === undefined) {
    if (requestGroups.size >= MAX_CACHED_SETTINGS) requestGroups.clear();
    requestGroups.set(cacheKey, (index = new SpanGroups({ tokenAttribute: options.tokenAttribute, dimensions }, MAX_CACHED_GROUPS, (identity) => newGroup(identity, settings))));
  }
  index.trim();
  const groups: RequestGroup[] = [];
  const thisRequest = ++requestNumber;
  const selection = { tokenAttribute: options.tokenAttribute, untokened: options.untokened, kinds: options.spanKinds === undefined ? undefined : new Set(options.spanKinds) };
  const counts = forEachCountedSpan(request, selection, (span, service, resourceAttributes, token, ms) => {
    const group = index.of(span, service, resourceAttributes, token);
    if (group.request !== thisRequest) {
      // buildRequest copies every count out, so the last request's counts are started over rather than allocated again.
      group.request = thisRequest;
      group.calls = 0;
      group.sum = 0;
      group.zeroCount = 0;
      group.buckets?.fill(0);
      group.exponential?.clear();
      groups.push(group);
    }
    count(group, ms, settings);
  });
  const maxBuckets = options.exponentialMaxBuckets ?? DEFAULT_EXPONENTIAL_BUCKETS;
  return { metrics: buildRequest(groups, options.timeUnixNano, settings, maxBuckets), ...counts };
}

function newGroup({ service, name, at, attributes }: Omit<SpanGroup, 'next'>, settings: Settings): RequestGroup {
  // Fields written out, not spread: objects made by spreading are slower to read, and each span reads one.
  return {
    service,
    name,
    at,
    attributes,
    next: undefined,
    request: 0,
    calls: 0,
    sum: 0,
    buckets: settings.exponential ? undefined : new Array<number>(settings.bounds.length + 1).fill(0),
    exponential: settings.exponential ? new Map() : undefined,
    zeroCount: 0,
  };
}

function count(group: RequestGroup, ms: number, settings: Settings): void {
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

/**
 * An exponential point from bucket counts by index at `scale`: downscaled
 * (index i becomes ⌊i / 2⌋ at scale − 1) until the buckets span at most `maxBuckets`.
 */
function exponentialPoint(group: RequestGroup, scale: number, maxBuckets: number, base: Omit<ExponentialHistogramDataPoint, 'count' | 'sum' | 'scale' | 'zeroCount' | 'zeroThreshold'>): ExponentialHistogramDataPoint {
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

function buildRequest(groups: readonly RequestGroup[], timeUnixNano: bigint, settings: Settings, maxBuckets: number): ExportMetricsServiceRequest {
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
    ? { ...SPAN_DURATION_IDENTITY, metadata: [], exponentialHistogram: { dataPoints: exponentialDurations, aggregationTemporality: AggregationTemporality.DELTA } }
    : { ...SPAN_DURATION_IDENTITY, metadata: [], histogram: { dataPoints: durations, aggregationTemporality: AggregationTemporality.DELTA } };
  return {
    resourceMetrics: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: SPAN_METRICS_SCOPE, version: '', attributes: [], droppedAttributesCount: 0 },
            metrics: [
              { ...SPAN_CALLS_IDENTITY, metadata: [], sum: { dataPoints: calls, aggregationTemporality: AggregationTemporality.DELTA, isMonotonic: true } },
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
