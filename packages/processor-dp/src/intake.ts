import {
  AggregationTemporality,
  FLAG_NO_RECORDED_VALUE,
  type ExportMetricsServiceRequest,
  type KeyValue,
  type Metric,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@otel-dp/otlp';
import { tokenIn, withoutAttribute } from './attributes.js';
import type { AttributePolicy, DropReason } from './attribute-policy/index.js';
import type { CumulativeToDelta } from './cumulative-to-delta.js';
import type { MetricContexts } from './kinds/metric-contexts.js';
import { kindOf } from './kinds/registry.js';
import type { IntakePoint, KindIntake, KnownRoute, PointTaker, SeriesKind } from './kinds/series-kind.js';
import type { PublicValues } from './public-partitions.js';
import { resourceContext, scopeContext, type MetricContext, type ResourceContext, type ScopeContext } from './series.js';
import type { MetricGroup, SeriesDirectory } from './series-directory.js';
import type { SeriesRoute } from './series-route.js';
import type { IntakeCounts } from './intake-counts.js';
import { REFUSED, REFUSED_BYTES, type WindowContributions, type WindowLimits } from './window.js';

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
  /** Resource and scope are public by design whenever `publicAttributes` are declared: only point attribute values need declaring. */
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
  const intake = new RequestIntake(context);
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
        intake.origin = group;
        const passed = intake.takeMetric(metric);
        if (passed !== undefined) passMetrics.push(passed);
      }
      if (passMetrics.length > 0) passScopes.push({ ...scopeMetrics, scope: withAttributes(scopeMetrics.scope, scopeAttributes), metrics: passMetrics });
    }
    if (passScopes.length > 0) passThrough.push({ ...resourceMetrics, resource: withAttributes(resourceMetrics.resource, resourceAttributes), scopeMetrics: passScopes });
  }
  return passThrough.length > 0 ? { resourceMetrics: passThrough } : undefined;
}

/**
 * One request's way into the open window, handed to each kind as it takes a
 * metric's points (see `kinds/series-kind.ts`).
 */
class RequestIntake implements KindIntake {
  /** Resource and scope of the metric being taken. */
  origin!: GroupContext;

  constructor(private readonly context: IntakeContext) {}

  get counts(): IntakeCounts {
    return this.context.counts;
  }

  get values(): Float64Array {
    return this.context.window.pool.values;
  }

  metricContext(metric: Metric, kind: SeriesKind, isMonotonic: boolean, explicitBounds: number[]): MetricContext {
    return this.context.metrics.context(metric, kind, isMonotonic, explicitBounds);
  }

  takeMetric(metric: Metric): Metric | undefined {
    const { context, origin: group } = this;
    const { counts } = context;
    // A name, description or unit is written verbatim for every series of the metric: redacting it would merge unrelated metrics, so the metric is refused.
    if (group.credentialIdentity || context.policy.isCredential(metric.name) || context.policy.isCredential(metric.description) || context.policy.isCredential(metric.unit)) {
      counts.credentialIdentity += pointCount(metric);
      return undefined;
    }
    if (context.publicValues.enabled) this.origin = { ...group, identityStrings: [...group.identityStrings, metric.name, metric.description, metric.unit] };
    const kind = kindOf(metric);
    if (kind !== undefined) return kind.accumulate(metric, this);
    if (metric.summary !== undefined) {
      const untokened = this.takeEach(metric.summary.dataPoints, () => undefined, () => void counts.summaries++);
      return untokened.length === 0 ? undefined : { ...metric, summary: { dataPoints: untokened } };
    }
    return undefined;
  }

  takePoints<P extends IntakePoint>(points: P[], metric: MetricContext, take: PointTaker<P>): P[] {
    const metricGroup = this.group(metric);
    const known: KnownRoute<P> = (point) => this.known(metricGroup, point);
    return this.takeEach(points, known, (point, token, knownRoute) => {
      const route = knownRoute ?? this.routeOf(point, metricGroup);
      if (route === undefined) return;
      const series = this.seriesOf(route);
      if (series >= 0) take(point, token, series, route);
    });
  }

  /** Counts what it cannot take: untokened points when they may not pass, points of no recorded value, points whose series would carry their token. */
  takeEach<P extends IntakePoint>(points: P[], known: KnownRoute<P>, take: (point: P, token: string, route: SeriesRoute | undefined) => void): P[] {
    const { context, origin: group } = this;
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

  group(metric: MetricContext): MetricGroup {
    const group = this.origin;
    return this.context.directory.group(group.resource, group.scope, metric, group.publicOrigin);
  }

  known(group: MetricGroup, point: IntakePoint): SeriesRoute | undefined {
    return this.context.directory.known(group, point.attributes);
  }

  routeOf(point: IntakePoint, group: MetricGroup): SeriesRoute | undefined {
    const { window, limits } = this.context;
    const route = this.context.directory.lookup(group, point.attributes, window.series.length < limits.maxSeries);
    if (route === undefined) this.context.counts.overCapacity++;
    return route;
  }

  /**
   * Registers the series in the window when it is new there; negative (counted)
   * when the window holds its most series or bytes. Counts what the attribute
   * policy removed from the point.
   */
  seriesOf(route: SeriesRoute): number {
    const { window, counts } = this.context;
    countDrops(route.drops, counts);
    const series = seriesInWindow(route, window, this.context.limits);
    if (series < 0) countRefusal(series, counts);
    return series;
  }

  /** `route` has just given `series` for this window. */
  entry(token: string, series: number, route: SeriesRoute, initial: ArrayLike<number> | number): number {
    if (route.entryToken === token) return route.entryOffset;
    const offset = this.context.window.entry(token, series, initial, this.context.limits);
    if (offset < 0) {
      countRefusal(offset, this.context.counts);
      return offset;
    }
    route.entryToken = token;
    route.entryOffset = offset;
    return offset;
  }

  toDelta(temporality: number, token: string, series: number, route: SeriesRoute, point: IntakePoint, values: Float64Array, monotoneCount: number): boolean {
    const { context } = this;
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

  addVector(temporality: number, token: string, series: number, route: SeriesRoute, point: IntakePoint, values: Float64Array): void {
    if (!this.toDelta(temporality, token, series, route, point, values, values.length - 1)) return;
    const offset = this.entry(token, series, route, values.length);
    if (offset < 0) return;
    const entry = this.context.window.pool.values;
    const width = Math.min(values.length, this.context.window.seriesWidth[series]);
    for (let i = 0; i < width; i++) entry[offset + i] += values[i];
  }
}

/** Points of every kind a metric holds. */
function pointCount(metric: Metric): number {
  return (kindOf(metric)?.points(metric) ?? metric.summary?.dataPoints)?.length ?? 0;
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
export function carriesToken(token: string, identity: readonly string[], attributes: readonly KeyValue[], tokenAttribute: string): boolean {
  for (const value of identity) if (value.includes(token)) return true;
  for (const attribute of attributes) {
    if (attribute.key === tokenAttribute) continue;
    if (attribute.key.includes(token)) return true;
    const value = attribute.value.stringValue;
    if (value !== undefined && value.includes(token)) return true;
  }
  return false;
}

/**
 * The window's number for the route's series, registered when new there;
 * negative ({@link REFUSED} or {@link REFUSED_BYTES}) when the window holds
 * its most series or bytes.
 */
export function seriesInWindow(route: SeriesRoute, window: WindowContributions, limits: WindowLimits): number {
  if (route.windowId === window.id) return route.series;
  const series = window.seriesNumber(route.descriptor, limits);
  if (series < 0) return series;
  route.windowId = window.id;
  route.series = series;
  route.entryToken = undefined;
  return series;
}

/** Counts what the attribute policy removed from one point. */
export function countDrops(drops: readonly DropReason[], counts: IntakeCounts): void {
  for (const reason of drops) counts.droppedAttributes.set(reason, (counts.droppedAttributes.get(reason) ?? 0) + 1);
}

/** Counts one point refused for `refusal`, a negative series number or entry offset. */
export function countRefusal(refusal: number, counts: IntakeCounts): void {
  if (refusal === REFUSED_BYTES) counts.overWindowBytes++;
  else counts.overCapacity++;
}

/**
 * An untokened point as forwarded: without exemplars, without the token
 * attribute and without what the attribute policy removes (credentials are
 * never forwarded, tokened or not). The token attribute can still be present
 * with a value no token is read from (bytes, a double, an array, an empty
 * string), and such a value may be the token all the same.
 */
function forwardedPoint<P extends IntakePoint>(point: P, context: IntakeContext): P {
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
