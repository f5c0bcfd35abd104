import {
  AggregationTemporality,
  type ExportMetricsServiceRequest,
  type ExportTraceServiceRequest,
  type HistogramDataPoint,
  type KeyValue,
  type NumberDataPoint,
  type Span,
} from '@otel-dp/otlp';
import { tokenIn } from './attributes.js';
import { DpConfigError, type UntokenedPolicy } from './config.js';

// Span metrics as the Collector's spanmetrics connector writes them (default
// namespace `traces.span.metrics`, delta temporality, explicit buckets in
// milliseconds), with one difference that privacy requires: the only
// attributes are the four dimensions and the token. The connector also
// copies the resource's attributes; here nothing else of a span (ids, other
// attributes, events, links, timestamps) reaches the output, because a span
// is one request and those fields single it out. The points go to the
// DpProcessor like any metric, so spans and metrics share one budget and one
// privacy unit, the token.

/** `traces.span.metrics.calls`: a monotonic delta sum, one per span. */
export const SPAN_CALLS_METRIC = 'traces.span.metrics.calls';
/** `traces.span.metrics.duration`: a delta explicit histogram of end − start, in ms. */
export const SPAN_DURATION_METRIC = 'traces.span.metrics.duration';
/** The connector's scope name. */
export const SPAN_METRICS_SCOPE = 'spanmetricsconnector';
/**
 * The connector's default explicit bounds in milliseconds
 * (`defaultHistogramBucketsMs` in connector/spanmetricsconnector/config.go).
 */
export const DEFAULT_SPAN_DURATION_BOUNDS_MS: readonly number[] = Object.freeze([
  2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000,
]);
/** The resource attribute read for the `service.name` dimension, and its value when absent (as OpenTelemetry SDKs default it). */
export const UNKNOWN_SERVICE = 'unknown_service';

const SPAN_KIND_NAMES = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODE_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const NANOS_PER_MILLI = 1e6;

export interface SpanMetricsOptions {
  /** The attribute holding the token, looked up on the span, then its scope, then its resource. */
  tokenAttribute: string;
  /** `drop`: untokened spans are only counted; `pass`: their points are produced without a token, for the processor's own `pass` handling. */
  untokened: UntokenedPolicy;
  /** Time stamped on every produced point (start and end), as the connector stamps its flush time; no span's own time is used. */
  timeUnixNano: bigint;
  /** Explicit bounds in ms, strictly increasing; default {@link DEFAULT_SPAN_DURATION_BOUNDS_MS}. */
  durationBoundsMs?: readonly number[];
}

export interface SpanMetricsResult {
  /** The span metrics; empty (no resourceMetrics) when no span counted. */
  metrics: ExportMetricsServiceRequest;
  /** Spans that produced contributions. */
  counted: number;
  /** Spans without a usable token (dropped under `drop`; counted under `pass`, and then in `counted` too). */
  untokened: number;
  /** Spans refused because they end before they start: report them as rejected. */
  invalid: number;
}

interface Group {
  attributes: KeyValue[];
  calls: number;
  sum: number;
  buckets: number[];
}

/**
 * Turns a decoded trace request into the spanmetrics connector's two
 * metrics, one point per (token, service.name, span.name, span.kind,
 * status.code) in the request, each carrying the token attribute so the
 * DpProcessor bounds and noises it per token.
 *
 * Each span counts exactly once: a sampling weight (tracestate `th`) is not
 * applied, because a span counted `w` times would make one request weigh `w`
 * in a token's contribution. Unknown kinds count as SPAN_KIND_UNSPECIFIED and
 * unknown status codes as STATUS_CODE_UNSET.
 *
 * @throws {DpConfigError} when `durationBoundsMs` is not finite and strictly
 *   increasing (a configuration fault; decoded input never throws here).
 */
export function spanMetrics(request: ExportTraceServiceRequest, options: SpanMetricsOptions): SpanMetricsResult {
  const { tokenAttribute, untokened: policy, timeUnixNano } = options;
  const bounds = options.durationBoundsMs ?? DEFAULT_SPAN_DURATION_BOUNDS_MS;
  checkBounds(bounds);
  const groups = new Map<string, Group>();
  let counted = 0;
  let untokened = 0;
  let invalid = 0;
  for (const resourceSpans of request.resourceSpans) {
    const resourceAttributes = resourceSpans.resource?.attributes ?? [];
    const service = serviceName(resourceAttributes);
    const resourceToken = tokenIn(resourceAttributes, tokenAttribute);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const scopeToken = tokenIn(scopeSpans.scope?.attributes ?? [], tokenAttribute) ?? resourceToken;
      for (const span of scopeSpans.spans) {
        if (span.endTimeUnixNano < span.startTimeUnixNano) {
          invalid++;
          continue;
        }
        const token = tokenIn(span.attributes, tokenAttribute) ?? scopeToken;
        if (token === undefined) {
          untokened++;
          if (policy === 'drop') continue;
        }
        counted++;
        addSpan(groups, span, service, token, tokenAttribute, bounds);
      }
    }
  }
  return { metrics: buildRequest(groups, timeUnixNano, bounds), counted, untokened, invalid };
}

function checkBounds(bounds: readonly number[]): void {
  for (let i = 0; i < bounds.length; i++) {
    if (!Number.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      throw new DpConfigError(`span duration bound ${i} is ${bounds[i]}, bounds must be finite and strictly increasing`);
    }
  }
}

function serviceName(attributes: readonly KeyValue[]): string {
  for (const attribute of attributes) {
    if (attribute.key === 'service.name' && attribute.value.stringValue !== undefined && attribute.value.stringValue !== '') return attribute.value.stringValue;
  }
  return UNKNOWN_SERVICE;
}

function addSpan(groups: Map<string, Group>, span: Span, service: string, token: string | undefined, tokenAttribute: string, bounds: readonly number[]): void {
  const kind = SPAN_KIND_NAMES[span.kind] ?? SPAN_KIND_NAMES[0];
  const status = STATUS_CODE_NAMES[span.statusCode] ?? STATUS_CODE_NAMES[0];
  // Length prefixes keep two different dimension sets from sharing a key whatever their characters.
  const tokenPart = token === undefined ? '-' : `${token.length}:${token}`;
  const key = `${tokenPart}${service.length}:${service}${span.name.length}:${span.name}${kind}${status}`;
  let group = groups.get(key);
  if (group === undefined) {
    const attributes: KeyValue[] = [
      { key: 'service.name', value: { stringValue: service } },
      { key: 'span.name', value: { stringValue: span.name } },
      { key: 'span.kind', value: { stringValue: kind } },
      { key: 'status.code', value: { stringValue: status } },
    ];
    if (token !== undefined) attributes.push({ key: tokenAttribute, value: { stringValue: token } });
    group = { attributes, calls: 0, sum: 0, buckets: new Array<number>(bounds.length + 1).fill(0) };
    groups.set(key, group);
  }
  const ms = Number(span.endTimeUnixNano - span.startTimeUnixNano) / NANOS_PER_MILLI;
  group.calls++;
  group.sum += ms;
  group.buckets[bucketOf(bounds, ms)]++;
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

function buildRequest(groups: Map<string, Group>, timeUnixNano: bigint, bounds: readonly number[]): ExportMetricsServiceRequest {
  if (groups.size === 0) return { resourceMetrics: [] };
  const calls: NumberDataPoint[] = [];
  const durations: HistogramDataPoint[] = [];
  const explicitBounds = [...bounds];
  for (const group of groups.values()) {
    const base = { attributes: group.attributes, startTimeUnixNano: timeUnixNano, timeUnixNano, exemplars: [], flags: 0 };
    calls.push({ ...base, asInt: BigInt(group.calls) });
    durations.push({ ...base, count: BigInt(group.calls), sum: group.sum, bucketCounts: group.buckets.map(BigInt), explicitBounds });
  }
  return {
    resourceMetrics: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: SPAN_METRICS_SCOPE, version: '', attributes: [], droppedAttributesCount: 0 },
            metrics: [
              { name: SPAN_CALLS_METRIC, description: '', unit: '', metadata: [], sum: { dataPoints: calls, aggregationTemporality: AggregationTemporality.DELTA, isMonotonic: true } },
              { name: SPAN_DURATION_METRIC, description: '', unit: 'ms', metadata: [], histogram: { dataPoints: durations, aggregationTemporality: AggregationTemporality.DELTA } },
            ],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}
