import {
  AggregationTemporality,
  type ExportMetricsServiceRequest,
  type Metric,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@otel-dp/otlp';
import { type BudgetStatus, type ReleasedSeriesInfo, type WindowSummary } from '@otel-dp/pipeline';
import type { CounterProjection, DpProcessorConfig, OutputTemporality } from './config.js';
import { seriesKind } from './kinds/registry.js';
import type { ExportedValues, WrittenPoint } from './kinds/series-kind.js';
import type { ReleasedValue } from './public-series.js';
import type { SeriesDescriptor } from './series.js';

const NANOS_PER_MILLI = 1_000_000n;

/** A released series with what is exported for it this window. */
export interface FinalValue extends ExportedValues {
  released: ReleasedValue;
}

/**
 * Turns one window's released noisy values into what is exported, each by
 * its kind. It reads only released values and configuration, so it is free
 * under DP; the bias it may add is bounded in `kinds/released-totals.ts`.
 * Updates the series' totals.
 */
export function finalValues(released: readonly ReleasedValue[], temporality: OutputTemporality, projection: CounterProjection): FinalValue[] {
  return released.map((value) => ({ released: value, ...seriesKind(value.series.descriptor.metric.kind).exported(value, temporality, projection) }));
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
    const kind = seriesKind(descriptor.metric.kind);
    const cumulative = temporality === 'cumulative' && kind.runningTotals;
    let metric = scopeEntry.metrics.get(descriptor.metric.key);
    if (metric === undefined) {
      metric = emptyMetric(descriptor, cumulative, projection);
      scopeEntry.scopeMetrics.metrics.push(metric);
      scopeEntry.metrics.set(descriptor.metric.key, metric);
    }
    const times = { startUnixNano: cumulative ? BigInt(released.series.firstWindowStartMillis) * NANOS_PER_MILLI : windowStart, timeUnixNano };
    const point: WrittenPoint = { attributes: descriptor.attributes, startTimeUnixNano: times.startUnixNano, timeUnixNano: times.timeUnixNano, flags: 0 };
    kind.writePoint(metric, point, values, descriptor.metric.layout);
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
    const counted = seriesKind(kind).headline === 'count';
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
  seriesKind(kind).emptyData(metric, aggregationTemporality, isMonotonic);
  return metric;
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
    const detail = seriesKind(kind).describe(layout, values, cumulativeValue);
    return { metric: descriptor.metric.name, attributes: descriptor.attributes, value: windowValue, noiseStdDev: windowStdErr, ...cumulative, kind, unit, ...detail };
  });
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
