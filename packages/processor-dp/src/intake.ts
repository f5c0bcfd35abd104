import {
  AggregationTemporality,
  FLAG_NO_RECORDED_VALUE,
  type ExportMetricsServiceRequest,
  type HistogramDataPoint,
  type KeyValue,
  type Metric,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@otel-dp/otlp';
import { tokenIn, withoutAttribute } from './attributes.js';
import type { AttributePolicy, DropReason } from './attribute-policy/index.js';
import type { CumulativeToDelta } from './cumulative-to-delta.js';
import type { MetricContexts } from './kinds/metric-contexts.js';
import { GAUGE_INITIAL, MAX_HISTOGRAM_BUCKETS, exponentialValues, histogramBounds, histogramValues, numberValue } from './kinds/point-values.js';
import type { PublicValues } from './public-partitions.js';
import { resourceContext, scopeContext, type MetricContext, type ResourceContext, type ScopeContext } from './series.js';
import type { MetricGroup, SeriesDirectory } from './series-directory.js';
import type { SeriesRoute } from './series-route.js';
import type { IntakeCounts } from './intake-counts.js';
import { REFUSED_BYTES, type WindowContributions, type WindowLimits } from './window.js';

export interface IntakeContext {
  tokenAttribute: string;
  passUntokened: boolean;
  window: WindowContributions;
  cumulative: CumulativeToDelta;
  metrics: MetricContexts;
  directory: SeriesDirectory;
  policy: AttributePolicy;
  publicValues: PublicValues;
  /** Most (token, series) entries, distinct tokens, distinct series and bytes a window holds; past them new ones are refused. */
  limits: WindowLimits;
  nowMillis: number;
  counts: IntakeCounts;
}

interface GroupContext {
  token: string | undefined;
  resource: ResourceContext;
  scope: ScopeContext;
  /** Resource and scope are public by design whenever `--public-attribute` is set: only point attribute values need declaring. */
  publicOrigin: boolean;
  /** A resource or scope string written to the backend (schema URL, scope name or version) looks like a credential. */
  credentialIdentity: boolean;
  /** Every string of the resource and scope a series key carries: a point whose token is in one of them is never public. */
  identityStrings: string[];
}

/**
 * Routes every point of `request` into the open window, under its token.
 * Returns the untokened points to forward when that is allowed (exemplars
 * and any token attribute without a usable value removed), else counts them
 * as refused.
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
      const writtenStrings = [resourceMetrics.schemaUrl ?? '', scopeMetrics.scope?.name ?? '', scopeMetrics.scope?.version ?? '', scopeMetrics.schemaUrl ?? ''];
      const group: GroupContext = {
        token: tokenIn(rawScope, tokenAttribute) ?? resourceToken,
        resource,
        scope: scopeContext(scopeMetrics.scope, scopeAttributes, scopeMetrics.schemaUrl),
        publicOrigin: context.publicValues.enabled,
        credentialIdentity: writtenStrings.some((value) => policy.isCredential(value)),
        identityStrings: context.publicValues.enabled ? [...writtenStrings, ...stringValues(resourceAttributes), ...stringValues(scopeAttributes)] : [],
      };
      const passMetrics: Metric[] = [];
      for (const metric of scopeMetrics.metrics) {
        const passed = takeMetric(metric, group, context);
        if (passed !== undefined) passMetrics.push(passed);
      }
      if (passMetrics.length > 0) passScopes.push({ ...scopeMetrics, scope: withAttributes(scopeMetrics.scope, scopeAttributes), metrics: passMetrics });
    }
    if (passScopes.length > 0) passThrough.push({ ...resourceMetrics, resource: withAttributes(resourceMetrics.resource, resourceAttributes), scopeMetrics: passScopes });
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

/** Adds one tokened point of a metric to the window, or counts why it cannot; `series` is the window's number for its series. */
type PointTaker<P> = (point: P, token: string, series: number, route: SeriesRoute) => void;

/** The route a point's frozen attribute list already has in its metric group, if any; changes nothing. */
type KnownRoute<P> = (point: P) => SeriesRoute | undefined;

/** A sum point's value, as the one-number vector the cumulative tracker turns into a delta in place. */
const SUM_VALUE = new Float64Array(1);
const SUM_INITIAL = [0] as const;

function takeMetric(metric: Metric, group: GroupContext, context: IntakeContext): Metric | undefined {
  const { counts } = context;
  // A name, description or unit is written verbatim for every series of the metric: redacting it would merge unrelated metrics, so the metric is refused.
  if (group.credentialIdentity || context.policy.isCredential(metric.name) || context.policy.isCredential(metric.description) || context.policy.isCredential(metric.unit)) {
    counts.credentialIdentity += pointCount(metric);
    return undefined;
  }
  if (context.publicValues.enabled) group = { ...group, identityStrings: [...group.identityStrings, metric.name, metric.description, metric.unit] };
  if (metric.sum !== undefined) {
    const sum = metric.sum;
    const metricContext = context.metrics.sum(metric, sum.isMonotonic);
    const untokened = takePoints(sum.dataPoints, metricContext, group, context, (point, token, series, route) => {
      const value = numberValue(point);
      if (Number.isNaN(value)) return void counts.notANumber++;
      SUM_VALUE[0] = value;
      if (!toDelta(sum.aggregationTemporality, token, series, route, point, SUM_VALUE, sum.isMonotonic ? 1 : 0, context)) return;
      const offset = entryFor(token, series, route, SUM_INITIAL, context);
      if (offset >= 0) context.window.pool.values[offset] += SUM_VALUE[0];
    });
    return untokened.length === 0 ? undefined : { ...metric, sum: { ...sum, dataPoints: untokened } };
  }
  if (metric.gauge !== undefined) {
    const metricContext = context.metrics.gauge(metric);
    const untokened = takePoints(metric.gauge.dataPoints, metricContext, group, context, (point, token, series, route) => {
      const value = numberValue(point);
      if (Number.isNaN(value)) return void counts.notANumber++;
      const offset = entryFor(token, series, route, GAUGE_INITIAL, context);
      if (offset < 0) return;
      const entry = context.window.pool.values;
      const time = Number(point.timeUnixNano / 1_000_000n);
      if (time >= entry[offset + 1]) {
        entry[offset] = value;
        entry[offset + 1] = time;
      }
    });
    return untokened.length === 0 ? undefined : { ...metric, gauge: { dataPoints: untokened } };
  }
  if (metric.histogram !== undefined) {
    const histogram = metric.histogram;
    // The points of one metric nearly always share their bounds: their group is found again only when the bounds change.
    let bounds: readonly number[] = [];
    let metricGroup: MetricGroup | undefined;
    const known: KnownRoute<HistogramDataPoint> = (point) =>
      metricGroup !== undefined && sameNumbers(histogramBounds(point), bounds) ? context.directory.known(metricGroup, point.attributes) : undefined;
    const untokened = takeEach(histogram.dataPoints, group, context, known, (point, token, knownRoute) => {
      if (point.bucketCounts.length > MAX_HISTOGRAM_BUCKETS) return void counts.tooManyBuckets++;
      const values = histogramValues(point);
      if (values === undefined) return void counts.malformed++;
      if (Number.isNaN(values[values.length - 1])) return void counts.notANumber++;
      const pointBounds = histogramBounds(point);
      if (metricGroup === undefined || !sameNumbers(pointBounds, bounds)) {
        metricGroup = context.directory.group(group.resource, group.scope, context.metrics.histogram(metric, pointBounds), group.publicOrigin);
        bounds = pointBounds;
      }
      const route = knownRoute ?? routeOf(point, metricGroup, context);
      if (route === undefined) return;
      const series = seriesOf(route, context);
      if (series < 0) return;
      addVector(histogram.aggregationTemporality, token, series, route, point, values, context);
    });
    return untokened.length === 0 ? undefined : { ...metric, histogram: { ...histogram, dataPoints: untokened } };
  }
  if (metric.exponentialHistogram !== undefined) {
    const histogram = metric.exponentialHistogram;
    const metricContext = context.metrics.exponentialHistogram(metric);
    const untokened = takePoints(histogram.dataPoints, metricContext, group, context, (point, token, series, route) => {
      const values = exponentialValues(point, metricContext.layout.exponential!);
      if (Number.isNaN(values[values.length - 1])) return void counts.notANumber++;
      addVector(histogram.aggregationTemporality, token, series, route, point, values, context);
    });
    return untokened.length === 0 ? undefined : { ...metric, exponentialHistogram: { ...histogram, dataPoints: untokened } };
  }
  if (metric.summary !== undefined) {
    const untokened = takeEach(metric.summary.dataPoints, group, context, () => undefined, () => void counts.summaries++);
    return untokened.length === 0 ? undefined : { ...metric, summary: { dataPoints: untokened } };
  }
  return undefined;
}

/** Runs `take` on every tokened point with its series; returns the untokened points to pass, or counts them. */
function takePoints<P extends AnyPoint>(points: P[], metric: MetricContext, group: GroupContext, context: IntakeContext, take: PointTaker<P>): P[] {
  const metricGroup = context.directory.group(group.resource, group.scope, metric, group.publicOrigin);
  const known: KnownRoute<P> = (point) => context.directory.known(metricGroup, point.attributes);
  return takeEach(points, group, context, known, (point, token, knownRoute) => {
    const route = knownRoute ?? routeOf(point, metricGroup, context);
    if (route === undefined) return;
    const series = seriesOf(route, context);
    if (series >= 0) take(point, token, series, route);
  });
}

/**
 * Runs `take` on every tokened point, with the route its attribute list
 * already has when `known` finds one (its token then comes from the route,
 * without reading the attributes); returns the untokened points to pass, or
 * counts them.
 */
function takeEach<P extends AnyPoint>(
  points: P[],
  group: GroupContext,
  context: IntakeContext,
  known: KnownRoute<P>,
  take: (point: P, token: string, route: SeriesRoute | undefined) => void,
): P[] {
  const untokened: P[] = [];
  for (const point of points) {
    const route = known(point);
    const token = (route === undefined ? tokenIn(point.attributes, context.tokenAttribute) : route.token) ?? group.token;
    if (token === undefined) {
      untokened.push(point);
      continue;
    }
    if ((point.flags & FLAG_NO_RECORDED_VALUE) !== 0) continue;
    context.counts.tokened++;
    if (context.publicValues.enabled && carriesToken(token, group.identityStrings, point.attributes, context.tokenAttribute)) {
      context.counts.tokenInSeries++;
      continue;
    }
    take(point, token, route);
  }
  if (untokened.length > 0 && !context.passUntokened) {
    context.counts.untokened += untokened.length;
    return [];
  }
  return untokened.map((point) => forwardedPoint(point, context));
}

/** Points of every kind a metric holds. */
function pointCount(metric: Metric): number {
  const points = metric.sum ?? metric.gauge ?? metric.histogram ?? metric.exponentialHistogram ?? metric.summary;
  return points?.dataPoints.length ?? 0;
}

function stringValues(attributes: readonly KeyValue[]): string[] {
  const values: string[] = [];
  for (const attribute of attributes) if (attribute.value.stringValue !== undefined) values.push(attribute.value.stringValue);
  return values;
}

/**
 * Whether a series key would carry the point's own token: such a series could
 * be made public (a declared value, or resource and scope that are public by
 * design) and would then reveal the token with certainty.
 */
function carriesToken(token: string, identity: readonly string[], attributes: readonly KeyValue[], tokenAttribute: string): boolean {
  for (const value of identity) if (value.includes(token)) return true;
  for (const attribute of attributes) {
    if (attribute.key === tokenAttribute) continue;
    if (attribute.key.includes(token)) return true;
    const value = attribute.value.stringValue;
    if (value !== undefined && value.includes(token)) return true;
  }
  return false;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The route of a tokened point whose list the directory does not know by identity, or undefined (counted) when it would be a series too many. */
function routeOf(point: AnyPoint, group: MetricGroup, context: IntakeContext): SeriesRoute | undefined {
  const { window, limits } = context;
  const route = context.directory.lookup(group, point.attributes, window.series.length < limits.maxSeries);
  if (route === undefined) context.counts.overCapacity++;
  return route;
}

/**
 * The window's number for a tokened point's series, registered in the window
 * when it is new there, or negative (counted) when the window holds its most
 * series or bytes. Counts what the attribute policy removed from the point.
 */
function seriesOf(route: SeriesRoute, context: IntakeContext): number {
  const { window, counts } = context;
  for (const reason of route.drops) counts.droppedAttributes.set(reason, (counts.droppedAttributes.get(reason) ?? 0) + 1);
  if (route.windowId === window.id) return route.series;
  const series = window.seriesNumber(route.descriptor, context.limits);
  if (series < 0) {
    countRefusal(series, counts);
    return series;
  }
  route.windowId = window.id;
  route.series = series;
  route.entryToken = undefined;
  return series;
}

function countRefusal(refusal: number, counts: IntakeCounts): void {
  if (refusal === REFUSED_BYTES) counts.overWindowBytes++;
  else counts.overCapacity++;
}

/** The offset of the token's entry in the window's pool, or negative (counted); `route` has just given `series` for this window. */
function entryFor(token: string, series: number, route: SeriesRoute, initial: ArrayLike<number> | number, context: IntakeContext): number {
  if (route.entryToken === token) return route.entryOffset;
  const offset = context.window.entry(token, series, initial, context.limits);
  if (offset < 0) {
    countRefusal(offset, context.counts);
    return offset;
  }
  route.entryToken = token;
  route.entryOffset = offset;
  return offset;
}

/** Whether the point contributes; `values` then holds its delta (cumulative input is turned into one in place). */
function toDelta(
  temporality: number,
  token: string,
  series: number,
  route: SeriesRoute,
  point: AnyPoint,
  values: Float64Array,
  monotoneCount: number,
  context: IntakeContext,
): boolean {
  if (temporality === AggregationTemporality.DELTA) return true;
  if (temporality !== AggregationTemporality.CUMULATIVE) {
    context.counts.unspecifiedTemporality++;
    return false;
  }
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  const { cumulative } = context;
  const key = context.window.series[series].key;
  const remembered = route.streamEpoch === cumulative.epoch && route.streamToken === token;
  const stream = remembered ? route.stream : cumulative.find(token, key);
  if (stream !== -1 && !remembered) {
    route.streamEpoch = cumulative.epoch;
    route.streamToken = token;
    route.stream = stream;
  }
  const refusedBefore = cumulative.refusedPoints;
  const contributes = cumulative.delta(token, key, point, values, monotoneCount, context.nowMillis, stream);
  if (cumulative.refusedPoints !== refusedBefore) context.counts.overWindowBytes++;
  return contributes;
}

/** Adds a histogram's bucket and sum deltas to the token's entry. */
function addVector(temporality: number, token: string, series: number, route: SeriesRoute, point: AnyPoint, values: Float64Array, context: IntakeContext): void {
  if (!toDelta(temporality, token, series, route, point, values, values.length - 1, context)) return;
  const offset = entryFor(token, series, route, values.length, context);
  if (offset < 0) return;
  const entry = context.window.pool.values;
  const width = Math.min(values.length, context.window.seriesWidth[series]);
  for (let i = 0; i < width; i++) entry[offset + i] += values[i];
}

/**
 * An untokened point as forwarded: without exemplars, without the token
 * attribute and without what the attribute policy removes (credentials are
 * never forwarded, tokened or not). The token attribute can still be present
 * with a value no token is read from (bytes, a double, an array, an empty
 * string), and such a value may be the token all the same.
 */
function forwardedPoint<P extends AnyPoint>(point: P, context: IntakeContext): P {
  const { counts } = context;
  const onDrop = (reason: DropReason) => counts.droppedAttributes.set(reason, (counts.droppedAttributes.get(reason) ?? 0) + 1);
  const attributes = context.policy.filter(withoutAttribute(point.attributes, context.tokenAttribute), onDrop);
  const exemplars = point.exemplars === undefined || point.exemplars.length === 0 ? point.exemplars : [];
  return attributes === point.attributes && exemplars === point.exemplars ? point : { ...point, attributes, exemplars };
}

/** A forwarded resource or scope with its filtered attributes (see {@link forwardedPoint}). */
function withAttributes<T extends { attributes: KeyValue[] }>(holder: T | undefined, attributes: KeyValue[]): T | undefined {
  if (holder === undefined) return undefined;
  return attributes === holder.attributes ? holder : { ...holder, attributes };
}
