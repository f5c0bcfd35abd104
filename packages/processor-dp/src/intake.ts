import {
  AggregationTemporality,
  FLAG_NO_RECORDED_VALUE,
  type ExportMetricsServiceRequest,
  type Metric,
  type NumberDataPoint,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@otel-dp/otlp';
import { attributesKey, tokenIn, withoutAttribute } from './attributes.js';
import type { CumulativeToDelta } from './cumulative-to-delta.js';
import { metricPrefix, resourceContext, scopeContext, sumMetricContext, type MetricContext, type ResourceContext, type ScopeContext } from './series.js';
import type { WindowContributions } from './window.js';

/** Why points were refused; each becomes part of the partial-success message. */
export interface IntakeCounts {
  untokened: number;
  unsupportedType: Map<string, number>;
  notANumber: number;
  unspecifiedTemporality: number;
}

export function emptyIntakeCounts(): IntakeCounts {
  return { untokened: 0, unsupportedType: new Map(), notANumber: 0, unspecifiedTemporality: 0 };
}

export interface IntakeContext {
  tokenAttribute: string;
  passUntokened: boolean;
  window: WindowContributions;
  cumulative: CumulativeToDelta;
  nowMillis: number;
}

/**
 * Routes every point of `request` into the open window, under its token.
 * Returns the untokened points to forward untouched when that is allowed
 * (exemplars removed), else counts them as refused.
 */
export function takeRequest(request: ExportMetricsServiceRequest, context: IntakeContext, counts: IntakeCounts): ExportMetricsServiceRequest | undefined {
  const passThrough: ResourceMetrics[] = [];
  for (const resourceMetrics of request.resourceMetrics) {
    const resourceToken = tokenIn(resourceMetrics.resource?.attributes ?? [], context.tokenAttribute);
    const resource = resourceContext(resourceMetrics.resource, resourceMetrics.schemaUrl, context.tokenAttribute);
    const passScopes: ScopeMetrics[] = [];
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      const scopeToken = tokenIn(scopeMetrics.scope?.attributes ?? [], context.tokenAttribute) ?? resourceToken;
      const scope = scopeContext(scopeMetrics.scope, scopeMetrics.schemaUrl, context.tokenAttribute);
      const passMetrics: Metric[] = [];
      for (const metric of scopeMetrics.metrics) {
        const passed = takeMetric(metric, scopeToken, resource, scope, context, counts);
        if (passed !== undefined) passMetrics.push(passed);
      }
      if (passMetrics.length > 0) passScopes.push({ ...scopeMetrics, metrics: passMetrics });
    }
    if (passScopes.length > 0) passThrough.push({ ...resourceMetrics, scopeMetrics: passScopes });
  }
  return passThrough.length > 0 ? { resourceMetrics: passThrough } : undefined;
}

interface PointWithAttributes {
  attributes: NumberDataPoint['attributes'];
  exemplars?: unknown[];
}

/** Splits off untokened points; what stays has a token (inherited or its own). */
function untokenedPoints<P extends PointWithAttributes>(points: P[], inherited: string | undefined, tokenAttribute: string): P[] {
  if (inherited !== undefined) return [];
  return points.filter((point) => tokenIn(point.attributes, tokenAttribute) === undefined);
}

function takeMetric(
  metric: Metric,
  inheritedToken: string | undefined,
  resource: ResourceContext,
  scope: ScopeContext,
  context: IntakeContext,
  counts: IntakeCounts,
): Metric | undefined {
  const { passUntokened, tokenAttribute } = context;
  if (metric.sum === undefined) {
    const [typeName, points] = otherPoints(metric);
    const untokened = untokenedPoints<PointWithAttributes>(points, inheritedToken, tokenAttribute);
    const tokened = points.length - untokened.length;
    if (tokened > 0) counts.unsupportedType.set(typeName, (counts.unsupportedType.get(typeName) ?? 0) + tokened);
    if (untokened.length === 0) return undefined;
    if (!passUntokened) {
      counts.untokened += untokened.length;
      return undefined;
    }
    return withPoints(metric, typeName, untokened);
  }

  const sum = metric.sum;
  const untokened: NumberDataPoint[] = [];
  const metricContext = sumMetricContext(metric, sum.isMonotonic);
  const prefix = metricPrefix(resource, scope, metricContext);
  for (const point of sum.dataPoints) {
    const token = tokenIn(point.attributes, tokenAttribute) ?? inheritedToken;
    if (token === undefined) {
      untokened.push(point);
      continue;
    }
    if ((point.flags & FLAG_NO_RECORDED_VALUE) !== 0) continue;
    const value = point.asDouble ?? (point.asInt === undefined ? 0 : Number(point.asInt));
    if (Number.isNaN(value)) {
      counts.notANumber++;
      continue;
    }
    const seriesKey = prefix + attributesKey(point.attributes, tokenAttribute);
    let amount: number | undefined;
    if (sum.aggregationTemporality === AggregationTemporality.DELTA) {
      amount = value;
    } else if (sum.aggregationTemporality === AggregationTemporality.CUMULATIVE) {
      if (!Number.isFinite(value)) continue;
      amount = context.cumulative.delta(`${token.length}:${token}${seriesKey}`, cumulativePoint(point, value), sum.isMonotonic, context.nowMillis);
    } else {
      counts.unspecifiedTemporality++;
      continue;
    }
    if (amount === undefined) continue;
    if (!context.window.series.has(seriesKey)) {
      context.window.series.set(seriesKey, describe(seriesKey, resource, scope, metricContext, point, tokenAttribute));
    }
    context.window.add(token, seriesKey, amount);
  }
  if (untokened.length === 0) return undefined;
  if (!passUntokened) {
    counts.untokened += untokened.length;
    return undefined;
  }
  return { ...metric, sum: { ...sum, dataPoints: untokened.map(stripExemplars) } };
}

function cumulativePoint(point: NumberDataPoint, value: number) {
  return { startTimeUnixNano: point.startTimeUnixNano, timeUnixNano: point.timeUnixNano, value };
}

function describe(key: string, resource: ResourceContext, scope: ScopeContext, metric: MetricContext, point: NumberDataPoint, tokenAttribute: string) {
  return { key, resource, scope, metric, attributes: withoutAttribute(point.attributes, tokenAttribute) };
}

function stripExemplars<P extends { exemplars?: unknown[] }>(point: P): P {
  return point.exemplars === undefined || point.exemplars.length === 0 ? point : { ...point, exemplars: [] };
}

function otherPoints(metric: Metric): [string, PointWithAttributes[]] {
  if (metric.gauge !== undefined) return ['gauge', metric.gauge.dataPoints];
  if (metric.histogram !== undefined) return ['histogram', metric.histogram.dataPoints];
  if (metric.exponentialHistogram !== undefined) return ['exponential histogram', metric.exponentialHistogram.dataPoints];
  if (metric.summary !== undefined) return ['summary', metric.summary.dataPoints];
  return ['empty', []];
}

function withPoints(metric: Metric, typeName: string, points: PointWithAttributes[]): Metric {
  const stripped = points.map(stripExemplars) as never[];
  switch (typeName) {
    case 'gauge':
      return { ...metric, gauge: { dataPoints: stripped } };
    case 'histogram':
      return { ...metric, histogram: { ...metric.histogram!, dataPoints: stripped } };
    case 'exponential histogram':
      return { ...metric, exponentialHistogram: { ...metric.exponentialHistogram!, dataPoints: stripped } };
    default:
      return { ...metric, summary: { dataPoints: stripped } };
  }
}

/** The partial-success message: what was refused and why, never a token value. */
export function describeRefusals(counts: IntakeCounts, tokenAttribute: string): { rejected: number; message: string } {
  const parts: string[] = [];
  let rejected = 0;
  if (counts.untokened > 0) {
    rejected += counts.untokened;
    parts.push(`${counts.untokened} data points without the ${tokenAttribute} attribute were dropped`);
  }
  for (const [typeName, count] of counts.unsupportedType) {
    rejected += count;
    parts.push(`${count} ${typeName} data points were dropped (type not supported by the privacy processor)`);
  }
  if (counts.notANumber > 0) {
    rejected += counts.notANumber;
    parts.push(`${counts.notANumber} NaN data points were dropped`);
  }
  if (counts.unspecifiedTemporality > 0) {
    rejected += counts.unspecifiedTemporality;
    parts.push(`${counts.unspecifiedTemporality} sum data points with unspecified aggregation temporality were dropped`);
  }
  return { rejected, message: parts.join('; ') };
}
