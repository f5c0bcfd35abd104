import { createHash } from 'node:crypto';
import { SpanKind, StatusCode, type ExportMetricsServiceRequest, type ExportTraceServiceRequest, type KeyValue, type ResourceSpans, type Span } from '@otel-dp/otlp';
import {
  SPAN_CALLS_METRIC,
  spanMetrics,
  type DpProcessorConfig,
  type NoiseMechanismName,
  type OutputTemporality,
} from '@otel-dp/processor-dp';
import type { AuditStreams } from './epsilon-audit.js';
import { multiWindowConfig } from './multi-window-inputs.js';
import type { WindowStreams } from './multi-window-audit.js';
import { ADVERSARY_TOKEN, TOKEN_ATTRIBUTE } from './neighbours.js';
import { AUDIT_T0 } from './release-runs.js';

/**
 * The privacy audit's neighbours on the span path: the same worst cases as
 * `neighbours.ts` and `multi-window-inputs.ts`, written as spans and handed
 * to the DpProcessor's trace consumer, the sidecar's way in, so the audit
 * measures what a token's spans can show through their span metrics. The
 * same spans turned into span metrics requests by `spanMetrics()` (the way
 * of `simulate` and `plan`) are checked here to be the worst case described.
 *
 * X, the adversarial token, in every window:
 * - sends far more spans than the calls clip allows, on a shared route whose
 *   honest token count sits one below the selection threshold, and on a
 *   route nobody else uses;
 * - gives them durations of decades, and one span that ends before it
 *   starts (refused at intake, as X's NaN is on the metric path);
 * - carries its token on the resource while the honest tokens carry theirs
 *   on the span, so the token lookup's fallback is what is audited for X.
 *
 * With k = 1 a token keeps one calls series (1 unit) and never a duration
 * histogram (2 units), so X keeps its shared or its own route's calls at
 * random, each half the time, as X keeps one of its two series on the metric
 * path: the likelihood-ratio analysis in `privacy-audit.test.ts` holds as it
 * is. Ids and times are fixed, not random: the audit's randomness is the
 * processor's noise only.
 */

export const SPAN_SERVICE = 'checkout-api';
export const SHARED_SPAN = 'GET /checkout';
export const OTHER_SPAN = 'GET /search';
export const PRIVATE_SPAN = 'GET /x-only';
/** The multi-window audit's public route. */
export const QUEUE_SPAN = 'POST /orders';
/** Clip range of one token's calls per window; X's push is the upper bound. */
export const CALLS_CLIP = { lower: 0, upper: 100 };
/** Spans X sends on each of its routes per window: more than the clip bound. */
export const ADVERSARY_SPANS = 150;
/** X's counted spans last six days, in ns: under the week past which a span is refused. */
const ABSURD_DURATION_NANOS = 6n * 24n * 3600n * 1_000_000_000n;
/** About 31 years, in ns: refused. */
const DECADES_NANOS = 10n ** 18n;
/** An honest span's duration, in ns (12 ms). */
const HONEST_DURATION_NANOS = 12_000_000n;
/** The multi-window audit's honest tokens' spans per window. */
const QUEUE_HONEST_SPANS = [7, 3, 12];

/** An honest token's spans in a window: 1 to 5, fixed by its index, as `neighbours.ts` counts requests. */
function honestSpans(index: number): number {
  return 1 + (index % 5);
}

/** Fixed, distinct ids of `bytes` bytes: the audit's inputs carry ids as real traces do. */
function id(seed: string, bytes: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(seed).digest().subarray(0, bytes));
}

function stringAttributes(values: Record<string, string>): KeyValue[] {
  return Object.entries(values).map(([key, value]) => ({ key, value: { stringValue: value } }));
}

function span(name: string, seed: string, start: bigint, duration: bigint, attributes: KeyValue[]): Span {
  return {
    traceId: id(`trace ${seed}`, 16),
    spanId: id(`span ${seed}`, 8),
    name,
    kind: SpanKind.SERVER,
    startTimeUnixNano: start,
    endTimeUnixNano: start + duration,
    attributes,
    statusCode: StatusCode.UNSET,
  };
}

function resourceSpans(resource: Record<string, string>, spans: Span[]): ResourceSpans {
  return { resource: { attributes: stringAttributes(resource), droppedAttributesCount: 0 }, scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0', attributes: [], droppedAttributesCount: 0 }, spans }] };
}

/** `count` honest spans of one token, its token on each span. */
function honestTokenSpans(name: string, token: string, count: number, start: bigint): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < count; i++) spans.push(span(name, `${token} ${start} ${i}`, start + BigInt(i) * 1_000_000n, HONEST_DURATION_NANOS, stringAttributes({ [TOKEN_ATTRIBUTE]: token, 'http.route': name })));
  return spans;
}

/** X's spans on one route: many, absurdly long, token on the resource. */
function adversarySpans(name: string, start: bigint): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < ADVERSARY_SPANS; i++) spans.push(span(name, `x ${name} ${start} ${i}`, start, ABSURD_DURATION_NANOS, []));
  return spans;
}

/** A window's start in ns on the audit's manual clock, plus 10 ms, when its request arrives. */
function arrivalNanos(config: DpProcessorConfig, window: number): bigint {
  const start = Math.ceil(AUDIT_T0 / config.windowMillis) * config.windowMillis;
  return BigInt(start + window * config.windowMillis + 10) * 1_000_000n;
}

/** Single-window traces: D (honest tokens on the shared and another route) and D′ = D + X. */
export interface SpanNeighbours {
  without: ExportTraceServiceRequest;
  with: ExportTraceServiceRequest;
  sharedRouteTotal: number;
}

export function spanNeighbours(sharedRouteTokens: number, otherRouteTokens: number, now: bigint): SpanNeighbours {
  const honest: Span[] = [];
  let sharedRouteTotal = 0;
  for (const [name, tokens] of [
    [SHARED_SPAN, sharedRouteTokens],
    [OTHER_SPAN, otherRouteTokens],
  ] as const) {
    for (let i = 0; i < tokens; i++) {
      honest.push(...honestTokenSpans(name, `tok-${name.split('/')[1]}-${i}`, honestSpans(i), now));
      if (name === SHARED_SPAN) sharedRouteTotal += honestSpans(i);
    }
  }
  const backwards = span(SHARED_SPAN, 'x backwards', now, 0n, []);
  backwards.endTimeUnixNano = now - 1_000_000n;
  const decades = span(SHARED_SPAN, 'x decades', now, DECADES_NANOS, []);
  const adversary = resourceSpans({ 'service.name': SPAN_SERVICE, [TOKEN_ATTRIBUTE]: ADVERSARY_TOKEN }, [
    ...adversarySpans(SHARED_SPAN, now),
    backwards,
    decades,
    ...adversarySpans(PRIVATE_SPAN, now),
  ]);
  const honestResource = resourceSpans({ 'service.name': SPAN_SERVICE }, honest);
  return { without: { resourceSpans: [honestResource] }, with: { resourceSpans: [honestResource, adversary] }, sharedRouteTotal };
}

/** What `spanMetrics` made of one trace request, with its refused spans. */
export interface ConvertedSpans {
  metrics: ExportMetricsServiceRequest;
  invalid: number;
  untokened: number;
}

export function toSpanMetrics(request: ExportTraceServiceRequest, now: bigint): ConvertedSpans {
  const { metrics, invalid, untokened } = spanMetrics(request, { tokenAttribute: TOKEN_ATTRIBUTE, untokened: 'drop', timeUnixNano: now });
  return { metrics, invalid, untokened };
}

/** Both sides of the single-window audit as span metrics, for a shared route with this many honest tokens. */
export interface ConvertedNeighbours {
  without: ConvertedSpans;
  with: ConvertedSpans;
  sharedRouteTotal: number;
}

export function convertedNeighbours(config: DpProcessorConfig, sharedRouteTokens: number): ConvertedNeighbours {
  const now = arrivalNanos(config, 0);
  const traces = spanNeighbours(sharedRouteTokens, 4, now);
  return { without: toSpanMetrics(traces.without, now), with: toSpanMetrics(traces.with, now), sharedRouteTotal: traces.sharedRouteTotal };
}

/** The single-window audit's streams for `auditEpsilon`. */
export function spanAuditStreams(config: DpProcessorConfig): (sharedRouteTokens: number) => AuditStreams {
  return (sharedRouteTokens) => {
    const traces = spanNeighbours(sharedRouteTokens, 4, arrivalNanos(config, 0));
    return {
      metric: SPAN_CALLS_METRIC,
      routeKey: 'span.name',
      sharedRoute: SHARED_SPAN,
      privateRoute: PRIVATE_SPAN,
      without: [traces.without],
      with: [traces.with],
      sharedRouteTotal: traces.sharedRouteTotal,
    };
  };
}

/** The single-window audit's configuration: as `privacy-audit.test.ts`'s, with the calls clip. */
export function spanAuditConfig(base: DpProcessorConfig): DpProcessorConfig {
  return { ...base, clip: [{ pattern: SPAN_CALLS_METRIC, ...CALLS_CLIP }] };
}

/** The public point attribute values of the multi-window audit's one span series. */
export const QUEUE_PUBLIC_ATTRIBUTES: Record<string, string[]> = {
  'service.name': [SPAN_SERVICE],
  'span.name': [QUEUE_SPAN],
  'span.kind': ['SPAN_KIND_SERVER'],
  'status.code': ['STATUS_CODE_UNSET'],
};

/**
 * The multi-window audit's configuration on the span path: that of
 * `multiWindowConfig` (same ε per window for the same target ρ, since the
 * calls bound 100 equals the queue's), with the calls clip, the span
 * series' dimensions declared public, and `--counter-projection none`. The
 * calls are a monotonic sum, whose cumulative output would otherwise go
 * through the monotone envelope: post-processing, free for privacy, but it
 * bends the linear statistics the audit fits.
 */
export function spanWindowsConfig(mechanism: NoiseMechanismName, outputTemporality: OutputTemporality, windows: number): DpProcessorConfig {
  return {
    ...multiWindowConfig(mechanism, outputTemporality, windows),
    clip: [{ pattern: SPAN_CALLS_METRIC, ...CALLS_CLIP }],
    publicAttributes: QUEUE_PUBLIC_ATTRIBUTES,
    counterProjection: 'none',
  };
}

/** D: three honest tokens' spans on the public route every window; D′: D plus X's, more than the clip bound. */
export function spanWindowStreams(config: DpProcessorConfig): (windows: number) => WindowStreams {
  return (windows) => {
    const without: ExportTraceServiceRequest[] = [];
    const withX: ExportTraceServiceRequest[] = [];
    for (let window = 0; window < windows; window++) {
      const now = arrivalNanos(config, window);
      const honest = QUEUE_HONEST_SPANS.flatMap((count, i) => honestTokenSpans(QUEUE_SPAN, `tok-queue-${i}`, count, now));
      const honestResource = resourceSpans({ 'service.name': SPAN_SERVICE }, honest);
      const adversary = resourceSpans({ 'service.name': SPAN_SERVICE, [TOKEN_ATTRIBUTE]: ADVERSARY_TOKEN }, adversarySpans(QUEUE_SPAN, now));
      without.push({ resourceSpans: [honestResource] });
      withX.push({ resourceSpans: [honestResource, adversary] });
    }
    const honestTotal = QUEUE_HONEST_SPANS.reduce((total, count) => total + count, 0);
    return { metric: SPAN_CALLS_METRIC, routeKey: 'span.name', route: QUEUE_SPAN, without, with: withX, honestTotal, push: CALLS_CLIP.upper };
  };
}
