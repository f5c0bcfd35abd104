import {
  AggregationTemporality,
  type ExportMetricsServiceRequest,
  type Metric,
  type ReleasedSeriesInfo,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@otel-dp/otlp';
import type { OutputTemporality } from './config.js';
import type { ReleasedValue } from './release.js';

const NANOS_PER_MILLI = 1_000_000n;

/** The value a released series is exported with, after free post-processing. */
export function exportedValue(value: ReleasedValue, temporality: OutputTemporality): number {
  if (temporality === 'cumulative') return value.series.exportedTotal;
  return value.series.descriptor.metric.isMonotonic ? Math.max(0, value.delta) : value.delta;
}

/**
 * Writes released values as one OTLP request, grouped by resource, scope and
 * metric as they arrived. Cumulative series start at the window of their
 * first release; delta points cover exactly their window.
 */
export function buildReleaseRequest(
  released: readonly ReleasedValue[],
  window: { startMillis: number; endMillis: number },
  temporality: OutputTemporality,
): ExportMetricsServiceRequest {
  const resources = new Map<string, { resourceMetrics: ResourceMetrics; scopes: Map<string, { scopeMetrics: ScopeMetrics; metrics: Map<string, Metric> }> }>();
  const timeUnixNano = BigInt(window.endMillis) * NANOS_PER_MILLI;
  const aggregationTemporality = temporality === 'cumulative' ? AggregationTemporality.CUMULATIVE : AggregationTemporality.DELTA;

  for (const value of released) {
    const { resource, scope, metric, attributes } = value.series.descriptor;
    let resourceEntry = resources.get(resource.key);
    if (resourceEntry === undefined) {
      resourceEntry = {
        resourceMetrics: { resource: { attributes: resource.attributes, droppedAttributesCount: 0 }, scopeMetrics: [], schemaUrl: resource.schemaUrl },
        scopes: new Map(),
      };
      resources.set(resource.key, resourceEntry);
    }
    let scopeEntry = resourceEntry.scopes.get(scope.key);
    if (scopeEntry === undefined) {
      const scopeMetrics: ScopeMetrics = {
        scope: { name: scope.name, version: scope.version, attributes: scope.attributes, droppedAttributesCount: 0 },
        metrics: [],
        schemaUrl: scope.schemaUrl,
      };
      resourceEntry.resourceMetrics.scopeMetrics.push(scopeMetrics);
      scopeEntry = { scopeMetrics, metrics: new Map() };
      resourceEntry.scopes.set(scope.key, scopeEntry);
    }
    let outMetric = scopeEntry.metrics.get(metric.key);
    if (outMetric === undefined) {
      outMetric = {
        name: metric.name,
        description: metric.description,
        unit: metric.unit,
        metadata: [],
        sum: { dataPoints: [], aggregationTemporality, isMonotonic: metric.isMonotonic },
      };
      scopeEntry.scopeMetrics.metrics.push(outMetric);
      scopeEntry.metrics.set(metric.key, outMetric);
    }
    const startMillis = temporality === 'cumulative' ? value.series.firstWindowStartMillis : window.startMillis;
    outMetric.sum!.dataPoints.push({
      attributes,
      startTimeUnixNano: BigInt(startMillis) * NANOS_PER_MILLI,
      timeUnixNano,
      asDouble: exportedValue(value, temporality),
      exemplars: [],
      flags: 0,
    });
  }
  return { resourceMetrics: [...resources.values()].map((entry) => entry.resourceMetrics) };
}

/** Per-series lines for readable exporters: the point attributes, never the token. */
export function describeReleased(released: readonly ReleasedValue[], temporality: OutputTemporality): ReleasedSeriesInfo[] {
  return released.map((value) => ({
    metric: value.series.descriptor.metric.name,
    attributes: value.series.descriptor.attributes,
    value: temporality === 'cumulative' ? value.delta : exportedValue(value, temporality),
    ...(temporality === 'cumulative' ? { cumulative: value.series.exportedTotal } : {}),
    noiseStdDev: value.noise.stdDev,
  }));
}
