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
import type { CounterProjection, DpProcessorConfig, OutputTemporality } from './config.js';
import { exportedValues, type ExportedValues } from './kinds/post-processing.js';
import type { ReleasedValue } from './release.js';
import type { SeriesLayout } from './kinds/layout.js';
import type { SeriesDescriptor } from './series.js';

const NANOS_PER_MILLI = 1_000_000n;

/** A released series with what is exported for it this window. */
export interface FinalValue extends ExportedValues {
  released: ReleasedValue;
}

export function finalValues(released: readonly ReleasedValue[], temporality: OutputTemporality, projection: CounterProjection): FinalValue[] {
  return released.map((value) => ({ released: value, ...exportedValues(value, temporality, projection) }));
}

/** How a window's values are written. */
export interface OutputSettings {
  temporality: OutputTemporality;
  projection: CounterProjection;
  /** Write `<metric>.dp.stderr` beside each released series. */
  stdErr: boolean;
}

/** Suffix of the gauge that carries a released series' standard error. */
export const STDERR_SUFFIX = '.dp.stderr';

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
  settings: OutputSettings,
): ExportMetricsServiceRequest {
  const { temporality, projection } = settings;
  const resources = new Map<string, { resourceMetrics: ResourceMetrics; scopes: Map<string, { scopeMetrics: ScopeMetrics; metrics: Map<string, Metric> }> }>();
  const timeUnixNano = BigInt(window.endMillis) * NANOS_PER_MILLI;
  const windowStart = BigInt(window.startMillis) * NANOS_PER_MILLI;

  for (const { released, values, stdErr } of finals) {
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
    const cumulative = temporality === 'cumulative' && descriptor.metric.kind !== 'gauge';
    let metric = scopeEntry.metrics.get(descriptor.metric.key);
    if (metric === undefined) {
      metric = emptyMetric(descriptor, cumulative, projection);
      scopeEntry.scopeMetrics.metrics.push(metric);
      scopeEntry.metrics.set(descriptor.metric.key, metric);
    }
    const times = { startUnixNano: cumulative ? BigInt(released.series.firstWindowStartMillis) * NANOS_PER_MILLI : windowStart, timeUnixNano };
    addPoint(metric, descriptor, values, times);
    if (settings.stdErr) addStdErr(scopeEntry, descriptor, stdErr, times);
  }
  return { resourceMetrics: [...resources.values()].map((entry) => entry.resourceMetrics) };
}

/**
 * The standard error of what the series' point says (a sum's or gauge's
 * value, a histogram's count), as a gauge point with the same attributes
 * and times: computed from configuration and released values only.
 */
function addStdErr(scopeEntry: { scopeMetrics: ScopeMetrics; metrics: Map<string, Metric> }, descriptor: SeriesDescriptor, stdErr: number, times: Times): void {
  const key = `${descriptor.metric.key}${STDERR_SUFFIX}`;
  let metric = scopeEntry.metrics.get(key);
  if (metric === undefined) {
    const { name, unit, kind } = descriptor.metric;
    const counted = kind === 'histogram' || kind === 'exponential-histogram';
    metric = {
      name: `${name}${STDERR_SUFFIX}`,
      description: `Standard error of the differentially private ${counted ? 'count' : 'value'} of ${name}`,
      unit: counted ? '1' : unit,
      metadata: [],
      gauge: { dataPoints: [] },
    };
    scopeEntry.scopeMetrics.metrics.push(metric);
    scopeEntry.metrics.set(key, metric);
  }
  metric.gauge!.dataPoints.push({ attributes: descriptor.attributes, startTimeUnixNano: times.startUnixNano, timeUnixNano: times.timeUnixNano, flags: 0, asDouble: stdErr, exemplars: [] });
}

function emptyMetric(descriptor: SeriesDescriptor, cumulative: boolean, projection: CounterProjection): Metric {
  const { name, description, unit, kind } = descriptor.metric;
  // Unprojected running totals can go down, which a monotonic sum may not.
  const isMonotonic = descriptor.metric.isMonotonic && projection === 'monotone';
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

/**
 * Per-series lines for readable exporters: the point attributes (never the
 * token), the headline number and its standard errors, and for histograms
 * the exported buckets, from which a reader can estimate quantiles.
 */
export function describeReleased(finals: readonly FinalValue[]): ReleasedSeriesInfo[] {
  return finals.map(({ released, values, windowValue, cumulativeValue, stdErr, windowStdErr }) => {
    const { descriptor } = released.series;
    const { kind, unit, layout } = descriptor.metric;
    const cumulative = cumulativeValue === undefined ? {} : { cumulative: cumulativeValue, cumulativeStdDev: stdErr };
    const detail =
      kind === 'gauge'
        ? { gaugeAggregation: layout.gaugeAggregation }
        : kind === 'sum'
          ? {}
          : { histogram: { scope: cumulativeValue === undefined ? ('window' as const) : ('cumulative' as const), ...histogramBuckets(layout, values) } };
    return { metric: descriptor.metric.name, attributes: descriptor.attributes, value: windowValue, noiseStdDev: windowStdErr, ...cumulative, kind, unit, ...detail };
  });
}

/**
 * Buckets in ascending order of value. Explicit bucket i covers
 * (bounds[i-1], bounds[i]]; an exponential bucket at index i covers
 * (base^i, base^(i+1)] with base = 2^(2^-scale), mirrored for negative values.
 */
function histogramBuckets(layout: SeriesLayout, values: Float64Array): { lowerBounds: number[]; upperBounds: number[]; counts: number[]; sum: number } {
  const sum = values[values.length - 1];
  const exponential = layout.exponential;
  if (exponential === undefined) {
    const bounds = layout.explicitBounds;
    return {
      lowerBounds: [-Infinity, ...bounds],
      upperBounds: [...bounds, Infinity],
      counts: Array.from(values.subarray(0, values.length - 1)),
      sum,
    };
  }
  const base = 2 ** (2 ** -exponential.scale);
  const lowerBounds: number[] = [];
  const upperBounds: number[] = [];
  const counts: number[] = [];
  const negativeStart = 1 + exponential.positiveBuckets;
  for (let j = exponential.negativeBuckets - 1; j >= 0; j--) {
    const index = exponential.negativeOffset + j;
    lowerBounds.push(-(base ** (index + 1)));
    upperBounds.push(-(base ** index));
    counts.push(values[negativeStart + j]);
  }
  lowerBounds.push(0);
  upperBounds.push(0);
  counts.push(values[0]);
  for (let j = 0; j < exponential.positiveBuckets; j++) {
    const index = exponential.positiveOffset + j;
    lowerBounds.push(base ** index);
    upperBounds.push(base ** (index + 1));
    counts.push(values[1 + j]);
  }
  return { lowerBounds, upperBounds, counts, sum };
}

/** What a window's batch says beside its data: the budget, and per-series lines for readable exporters. */
export function windowSummary(options: {
  window: { startMillis: number; endMillis: number };
  finals: readonly FinalValue[];
  /** New series held back by partition selection (exact, for local diagnostics). */
  suppressed: number;
  config: Pick<DpProcessorConfig, 'mechanism' | 'epsilon' | 'delta'>;
  budget: BudgetStatus;
}): WindowSummary {
  const { window, finals, config, budget } = options;
  return {
    windowStartUnixNano: BigInt(window.startMillis) * NANOS_PER_MILLI,
    windowEndUnixNano: BigInt(window.endMillis) * NANOS_PER_MILLI,
    mechanism: config.mechanism,
    epsilon: config.epsilon,
    delta: config.delta,
    series: describeReleased(finals),
    suppressedSeries: options.suppressed,
    budget: { horizonMillis: budget.horizonMillis, spentEpsilon: budget.spentEpsilon, spentDelta: budget.spentDelta, remainingEpsilon: budget.remainingEpsilon },
  };
}
