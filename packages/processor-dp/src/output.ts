import {
  AggregationTemporality,
  type BudgetStatus,
  type ExportMetricsServiceRequest,
  type Metric,
  type ReleasedSeriesInfo,
  type ResourceMetrics,
  type ScopeMetrics,
  type WindowSummary,
} from '@otel-dp/otlp';
import type { DpProcessorConfig, OutputTemporality } from './config.js';
import { exportedValues } from './kinds/post-processing.js';
import type { ReleasedValue } from './release.js';
import type { SeriesDescriptor } from './series.js';

const NANOS_PER_MILLI = 1_000_000n;

/** A released series with what is exported for it this window. */
export interface FinalValue {
  released: ReleasedValue;
  values: Float64Array;
  /** The first component's cumulative value exported the window before (0 at first). */
  previous: number;
}

export function finalValues(released: readonly ReleasedValue[], temporality: OutputTemporality): FinalValue[] {
  return released.map((value) => {
    const previous = value.series.exported[0];
    return { released: value, values: exportedValues(value, temporality), previous };
  });
}

interface Times {
  startUnixNano: bigint;
  timeUnixNano: bigint;
}

/**
 * Writes one window's exported values as one OTLP request, grouped by
 * resource, scope and metric as they arrived. Cumulative series start at the
 * window of their first release; delta points and gauges cover their window.
 */
export function buildReleaseRequest(
  finals: readonly FinalValue[],
  window: { startMillis: number; endMillis: number },
  temporality: OutputTemporality,
): ExportMetricsServiceRequest {
  const resources = new Map<string, { resourceMetrics: ResourceMetrics; scopes: Map<string, { scopeMetrics: ScopeMetrics; metrics: Map<string, Metric> }> }>();
  const timeUnixNano = BigInt(window.endMillis) * NANOS_PER_MILLI;
  const windowStart = BigInt(window.startMillis) * NANOS_PER_MILLI;

  for (const { released, values } of finals) {
    const { descriptor } = released.series;
    const { resource, scope } = descriptor;
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
    const cumulative = temporality === 'cumulative' && released.series.counters !== undefined;
    let metric = scopeEntry.metrics.get(descriptor.metric.key);
    if (metric === undefined) {
      metric = emptyMetric(descriptor, cumulative);
      scopeEntry.scopeMetrics.metrics.push(metric);
      scopeEntry.metrics.set(descriptor.metric.key, metric);
    }
    const times = { startUnixNano: cumulative ? BigInt(released.series.firstWindowStartMillis) * NANOS_PER_MILLI : windowStart, timeUnixNano };
    addPoint(metric, descriptor, values, times);
  }
  return { resourceMetrics: [...resources.values()].map((entry) => entry.resourceMetrics) };
}

function emptyMetric(descriptor: SeriesDescriptor, cumulative: boolean): Metric {
  const { name, description, unit, kind, isMonotonic } = descriptor.metric;
  const aggregationTemporality = cumulative ? AggregationTemporality.CUMULATIVE : AggregationTemporality.DELTA;
  const metric: Metric = { name, description, unit, metadata: [] };
  if (kind === 'sum') metric.sum = { dataPoints: [], aggregationTemporality, isMonotonic };
  else if (kind === 'gauge') metric.gauge = { dataPoints: [] };
  else if (kind === 'histogram') metric.histogram = { dataPoints: [], aggregationTemporality };
  else metric.exponentialHistogram = { dataPoints: [], aggregationTemporality };
  return metric;
}

function addPoint(metric: Metric, descriptor: SeriesDescriptor, values: Float64Array, times: Times): void {
  const { attributes } = descriptor;
  const { layout } = descriptor.metric;
  const base = { attributes, startTimeUnixNano: times.startUnixNano, timeUnixNano: times.timeUnixNano, flags: 0 };
  if (metric.sum !== undefined || metric.gauge !== undefined) {
    (metric.sum ?? metric.gauge)!.dataPoints.push({ ...base, asDouble: values[0], exemplars: [] });
    return;
  }
  const sum = values[values.length - 1];
  if (metric.histogram !== undefined) {
    const bucketCounts = Array.from(values.subarray(0, values.length - 1), BigInt);
    const count = bucketCounts.reduce((total, n) => total + n, 0n);
    metric.histogram.dataPoints.push({ ...base, count, sum, bucketCounts, explicitBounds: layout.explicitBounds, exemplars: [] });
    return;
  }
  const exponential = layout.exponential!;
  const zeroCount = BigInt(values[0]);
  const positive = Array.from(values.subarray(1, 1 + exponential.positiveBuckets), BigInt);
  const negative = Array.from(values.subarray(1 + exponential.positiveBuckets, values.length - 1), BigInt);
  const count = [...positive, ...negative].reduce((total, n) => total + n, zeroCount);
  metric.exponentialHistogram!.dataPoints.push({
    ...base,
    count,
    sum,
    scale: exponential.scale,
    zeroCount,
    positive: { offset: exponential.positiveOffset, bucketCounts: positive },
    negative: { offset: exponential.negativeOffset, bucketCounts: negative },
    exemplars: [],
    zeroThreshold: 0,
  });
}

/** Per-series lines for readable exporters: the point attributes (never the token) and the first component's value and noise. */
export function describeReleased(finals: readonly FinalValue[], temporality: OutputTemporality): ReleasedSeriesInfo[] {
  return finals.map(({ released, values, previous }) => {
    const { series } = released;
    const { layout } = series.descriptor.metric;
    const counter = series.counters?.[0];
    const stdDev = counter === undefined ? layout.components[0].stdDev : Math.sqrt(layout.trees![0].totalVariance(series.windows)) * layout.components[0].grid;
    const value = temporality === 'cumulative' && counter !== undefined ? { value: values[0] - previous, cumulative: values[0] } : { value: values[0] };
    return { metric: series.descriptor.metric.name, attributes: series.descriptor.attributes, ...value, noiseStdDev: stdDev };
  });
}

/** What a window's batch says beside its data: the budget, and per-series lines for readable exporters. */
export function windowSummary(options: {
  window: { startMillis: number; endMillis: number };
  finals: readonly FinalValue[];
  /** New series held back by partition selection (exact, for local diagnostics). */
  suppressed: number;
  temporality: OutputTemporality;
  config: Pick<DpProcessorConfig, 'mechanism' | 'epsilon' | 'delta'>;
  budget: BudgetStatus;
}): WindowSummary {
  const { window, finals, temporality, config, budget } = options;
  return {
    windowStartUnixNano: BigInt(window.startMillis) * NANOS_PER_MILLI,
    windowEndUnixNano: BigInt(window.endMillis) * NANOS_PER_MILLI,
    mechanism: config.mechanism,
    epsilon: config.epsilon,
    delta: config.delta,
    series: describeReleased(finals, temporality),
    suppressedSeries: options.suppressed,
    budget: { horizonMillis: budget.horizonMillis, spentEpsilon: budget.spentEpsilon, spentDelta: budget.spentDelta, remainingEpsilon: budget.remainingEpsilon },
  };
}
