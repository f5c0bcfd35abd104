import {
  AggregationTemporality,
  FLAG_NO_RECORDED_VALUE,
  type ExportMetricsServiceRequest,
  type KeyValue,
  type Metric,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@otel-dp/otlp';
import { attributesKey, tokenIn, withoutAttribute } from './attributes.js';
import type { AttributePolicy, DropReason } from './attribute-policy/index.js';
import type { CumulativeToDelta } from './cumulative-to-delta.js';
import type { MetricContexts } from './kinds/metric-contexts.js';
import { GAUGE_INITIAL, exponentialValues, histogramBounds, histogramValues, numberValue } from './kinds/point-values.js';
import type { PublicValues } from './public-partitions.js';
import { metricPrefix, resourceContext, scopeContext, type MetricContext, type ResourceContext, type ScopeContext } from './series.js';
import type { IntakeCounts } from './intake-counts.js';
import type { WindowContributions, WindowLimits } from './window.js';

export interface IntakeContext {
  tokenAttribute: string;
  passUntokened: boolean;
  window: WindowContributions;
  cumulative: CumulativeToDelta;
  metrics: MetricContexts;
  policy: AttributePolicy;
  publicValues: PublicValues;
  /** Most (token, series) entries, distinct tokens and distinct series a window holds; past them new ones are refused. */
  limits: WindowLimits;
  nowMillis: number;
  counts: IntakeCounts;
}

interface GroupContext {
  token: string | undefined;
  resource: ResourceContext;
  scope: ScopeContext;
  /** Resource and scope are built only from declared public values. */
  publicOrigin: boolean;
}

/**
 * Routes every point of `request` into the open window, under its token.
 * Returns the untokened points to forward untouched when that is allowed
 * (exemplars removed), else counts them as refused.
 */
export function takeRequest(request: ExportMetricsServiceRequest, context: IntakeContext): ExportMetricsServiceRequest | undefined {
  const passThrough: ResourceMetrics[] = [];
  const { tokenAttribute, policy, counts } = context;
  const onDrop = (reason: DropReason) => counts.droppedAttributes.set(reason, (counts.droppedAttributes.get(reason) ?? 0) + 1);
  for (const resourceMetrics of request.resourceMetrics) {
    const rawResource = resourceMetrics.resource?.attributes ?? [];
    const resourceToken = tokenIn(rawResource, tokenAttribute);
    const resourceAttributes = policy.filter(withoutAttribute(rawResource, tokenAttribute), onDrop);
    const resource = resourceContext(resourceMetrics.resource, resourceAttributes, resourceMetrics.schemaUrl);
    const passScopes: ScopeMetrics[] = [];
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      const rawScope = scopeMetrics.scope?.attributes ?? [];
      const scopeAttributes = policy.filter(withoutAttribute(rawScope, tokenAttribute), onDrop);
      const group: GroupContext = {
        token: tokenIn(rawScope, tokenAttribute) ?? resourceToken,
        resource,
        scope: scopeContext(scopeMetrics.scope, scopeAttributes, scopeMetrics.schemaUrl),
        publicOrigin: context.publicValues.enabled && context.publicValues.covers(resourceAttributes) && context.publicValues.covers(scopeAttributes),
      };
      const passMetrics: Metric[] = [];
      for (const metric of scopeMetrics.metrics) {
        const passed = takeMetric(metric, group, context, onDrop);
        if (passed !== undefined) passMetrics.push(passed);
      }
      if (passMetrics.length > 0) passScopes.push({ ...scopeMetrics, metrics: passMetrics });
    }
    if (passScopes.length > 0) passThrough.push({ ...resourceMetrics, scopeMetrics: passScopes });
  }
  return passThrough.length > 0 ? { resourceMetrics: passThrough } : undefined;
}

interface AnyPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  flags: number;
  exemplars?: unknown[];
}

/** Adds one tokened point of a metric to the window, or counts why it cannot. */
type PointTaker<P> = (point: P, token: string, seriesKey: string) => void;

function takeMetric(metric: Metric, group: GroupContext, context: IntakeContext, onDrop: (reason: DropReason) => void): Metric | undefined {
  const { counts } = context;
  if (metric.sum !== undefined) {
    const sum = metric.sum;
    const metricContext = context.metrics.sum(metric, sum.isMonotonic);
    const untokened = takePoints(sum.dataPoints, metricContext, group, context, onDrop, (point, token, seriesKey) => {
      const value = numberValue(point);
      if (Number.isNaN(value)) return void counts.notANumber++;
      const delta = toDelta(sum.aggregationTemporality, token, seriesKey, point, Float64Array.of(value), sum.isMonotonic ? 1 : 0, context);
      if (delta === undefined) return;
      const entry = entryFor(token, seriesKey, [0], context);
      if (entry !== undefined) entry[0] += delta[0];
    });
    return untokened.length === 0 ? undefined : { ...metric, sum: { ...sum, dataPoints: untokened } };
  }
  if (metric.gauge !== undefined) {
    const metricContext = context.metrics.gauge(metric);
    const untokened = takePoints(metric.gauge.dataPoints, metricContext, group, context, onDrop, (point, token, seriesKey) => {
      const value = numberValue(point);
      if (Number.isNaN(value)) return void counts.notANumber++;
      const entry = entryFor(token, seriesKey, GAUGE_INITIAL, context);
      const time = Number(point.timeUnixNano / 1_000_000n);
      if (entry !== undefined && time >= entry[1]) {
        entry[0] = value;
        entry[1] = time;
      }
    });
    return untokened.length === 0 ? undefined : { ...metric, gauge: { dataPoints: untokened } };
  }
  if (metric.histogram !== undefined) {
    const histogram = metric.histogram;
    const untokened = takeEach(histogram.dataPoints, group, context, (point, token) => {
      const values = histogramValues(point);
      if (values === undefined) return void counts.malformed++;
      if (Number.isNaN(values[values.length - 1])) return void counts.notANumber++;
      const metricContext = context.metrics.histogram(metric, histogramBounds(point));
      const seriesKey = seriesKeyFor(point, metricContext, group, context, onDrop);
      if (seriesKey === undefined) return;
      addVector(histogram.aggregationTemporality, token, seriesKey, point, values, context);
    });
    return untokened.length === 0 ? undefined : { ...metric, histogram: { ...histogram, dataPoints: untokened } };
  }
  if (metric.exponentialHistogram !== undefined) {
    const histogram = metric.exponentialHistogram;
    const metricContext = context.metrics.exponentialHistogram(metric);
    const untokened = takePoints(histogram.dataPoints, metricContext, group, context, onDrop, (point, token, seriesKey) => {
      const values = exponentialValues(point, metricContext.layout.exponential!);
      if (Number.isNaN(values[values.length - 1])) return void counts.notANumber++;
      addVector(histogram.aggregationTemporality, token, seriesKey, point, values, context);
    });
    return untokened.length === 0 ? undefined : { ...metric, exponentialHistogram: { ...histogram, dataPoints: untokened } };
  }
  if (metric.summary !== undefined) {
    const untokened = takeEach(metric.summary.dataPoints, group, context, () => void counts.summaries++);
    return untokened.length === 0 ? undefined : { ...metric, summary: { dataPoints: untokened } };
  }
  return undefined;
}

/** Runs `take` on every tokened point with its series key; returns the untokened points to pass, or counts them. */
function takePoints<P extends AnyPoint>(
  points: P[],
  metric: MetricContext,
  group: GroupContext,
  context: IntakeContext,
  onDrop: (reason: DropReason) => void,
  take: PointTaker<P>,
): P[] {
  return takeEach(points, group, context, (point, token) => {
    const seriesKey = seriesKeyFor(point, metric, group, context, onDrop);
    if (seriesKey !== undefined) take(point, token, seriesKey);
  });
}

function takeEach<P extends AnyPoint>(points: P[], group: GroupContext, context: IntakeContext, take: (point: P, token: string) => void): P[] {
  const untokened: P[] = [];
  for (const point of points) {
    const token = tokenIn(point.attributes, context.tokenAttribute) ?? group.token;
    if (token === undefined) {
      untokened.push(point);
      continue;
    }
    if ((point.flags & FLAG_NO_RECORDED_VALUE) !== 0) continue;
    context.counts.tokened++;
    take(point, token);
  }
  if (untokened.length > 0 && !context.passUntokened) {
    context.counts.untokened += untokened.length;
    return [];
  }
  return untokened.map(withoutExemplars);
}

/**
 * The series key of a tokened point; registers the series in the window when
 * it is new there, or returns undefined (counted) when the window is full.
 */
function seriesKeyFor(
  point: AnyPoint,
  metric: MetricContext,
  group: GroupContext,
  context: IntakeContext,
  onDrop: (reason: DropReason) => void,
): string | undefined {
  const attributes = context.policy.filter(withoutAttribute(point.attributes, context.tokenAttribute), onDrop);
  const prefix = metricPrefix(group.resource, group.scope, metric);
  const key = prefix + attributesKey(attributes);
  if (!context.window.series.has(key)) {
    if (context.window.series.size >= context.limits.maxSeries) {
      context.counts.overCapacity++;
      return undefined;
    }
    context.window.series.set(key, {
      key,
      prefix,
      resource: group.resource,
      scope: group.scope,
      metric,
      attributes,
      declaredPublic: group.publicOrigin && context.publicValues.covers(attributes),
    });
  }
  return key;
}

function entryFor(token: string, seriesKey: string, initial: ArrayLike<number>, context: IntakeContext): Float64Array | undefined {
  const entry = context.window.entry(token, seriesKey, initial, context.limits);
  if (entry === undefined) context.counts.overCapacity++;
  return entry;
}

function toDelta(
  temporality: number,
  token: string,
  seriesKey: string,
  point: AnyPoint,
  values: Float64Array,
  monotoneCount: number,
  context: IntakeContext,
): Float64Array | undefined {
  if (temporality === AggregationTemporality.DELTA) return values;
  if (temporality !== AggregationTemporality.CUMULATIVE) {
    context.counts.unspecifiedTemporality++;
    return undefined;
  }
  for (const value of values) if (!Number.isFinite(value)) return undefined;
  const streamKey = `${token.length}:${token}${seriesKey}`;
  return context.cumulative.delta(streamKey, { startTimeUnixNano: point.startTimeUnixNano, timeUnixNano: point.timeUnixNano, values }, monotoneCount, context.nowMillis);
}

/** Adds a histogram's bucket and sum deltas to the token's entry. */
function addVector(temporality: number, token: string, seriesKey: string, point: AnyPoint, values: Float64Array, context: IntakeContext): void {
  const delta = toDelta(temporality, token, seriesKey, point, values, values.length - 1, context);
  if (delta === undefined) return;
  const entry = entryFor(token, seriesKey, new Float64Array(delta.length), context);
  if (entry === undefined) return;
  for (let i = 0; i < delta.length; i++) entry[i] += delta[i];
}

function withoutExemplars<P extends { exemplars?: unknown[] }>(point: P): P {
  return point.exemplars === undefined || point.exemplars.length === 0 ? point : { ...point, exemplars: [] };
}
