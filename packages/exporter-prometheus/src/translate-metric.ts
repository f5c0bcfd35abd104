import { AggregationTemporality, FLAG_NO_RECORDED_VALUE, type HistogramDataPoint, type KeyValue, type Metric, type NumberDataPoint, type SummaryDataPoint } from '@otel-dp/otlp';
import { formatFloat } from './labels.js';
import { prometheusMetricName, type PrometheusKind } from './metric-name.js';

/**
 * Why data points were not sent, for the exporter's counters:
 * - delta_temporality: Prometheus has no delta series; the processor emits
 *   cumulative output by default (its `outputTemporality`).
 * - unspecified_temporality: a sum or histogram without a temporality.
 * - exponential_histogram: would need native histograms, not supported.
 * - no_value: a number point with neither an int nor a double value.
 * - malformed_histogram: bucket counts do not match the bounds.
 * - invalid_name: nothing of the metric name survives sanitizing.
 */
export const DROP_REASONS = ['delta_temporality', 'unspecified_temporality', 'exponential_histogram', 'no_value', 'malformed_histogram', 'invalid_name'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Where translated samples go; see translate.ts. */
export interface SampleSink {
  /** The labels of a point: its attributes plus the resource's and scope's labels. A fresh map the caller may extend. */
  labelsFor(attributes: readonly KeyValue[]): Map<string, string>;
  add(labels: Map<string, string>, name: string, value: number, stale: boolean, timeUnixNano: bigint): void;
  drop(reason: DropReason, points: number): void;
}

/**
 * Translates one OTLP metric, as the specification's "OTLP Metric points to
 * Prometheus" says: gauges and non-monotonic cumulative sums to gauges,
 * monotonic cumulative sums to counters (`_total`), cumulative histograms to
 * `_bucket{le}` (cumulative counts, ending at `+Inf`), `_sum` and `_count`,
 * summaries to `{quantile}`, `_sum` and `_count`. A point flagged
 * NO_RECORDED_VALUE becomes Prometheus' stale marker. Exemplars are not
 * sent; `_created` series are not written.
 */
export function translateMetric(metric: Metric, sink: SampleSink): void {
  if (metric.gauge !== undefined) {
    numberPoints(metric, 'gauge', metric.gauge.dataPoints, sink);
  } else if (metric.sum !== undefined) {
    const { sum } = metric;
    if (!isCumulative(sum.aggregationTemporality, sum.dataPoints.length, sink)) return;
    numberPoints(metric, sum.isMonotonic ? 'counter' : 'gauge', sum.dataPoints, sink);
  } else if (metric.histogram !== undefined) {
    const { histogram } = metric;
    if (!isCumulative(histogram.aggregationTemporality, histogram.dataPoints.length, sink)) return;
    const name = nameOf(metric, 'histogram', histogram.dataPoints.length, sink);
    if (name !== undefined) for (const point of histogram.dataPoints) histogramPoint(name, point, sink);
  } else if (metric.exponentialHistogram !== undefined) {
    sink.drop('exponential_histogram', metric.exponentialHistogram.dataPoints.length);
  } else if (metric.summary !== undefined) {
    const name = nameOf(metric, 'summary', metric.summary.dataPoints.length, sink);
    if (name !== undefined) for (const point of metric.summary.dataPoints) summaryPoint(name, point, sink);
  }
}

function isCumulative(temporality: number, points: number, sink: SampleSink): boolean {
  if (temporality === AggregationTemporality.CUMULATIVE) return true;
  if (points > 0) sink.drop(temporality === AggregationTemporality.DELTA ? 'delta_temporality' : 'unspecified_temporality', points);
  return false;
}

function nameOf(metric: Metric, kind: PrometheusKind, points: number, sink: SampleSink): string | undefined {
  const name = prometheusMetricName(metric.name, metric.unit, kind);
  if (name !== '') return name;
  if (points > 0) sink.drop('invalid_name', points);
  return undefined;
}

function numberPoints(metric: Metric, kind: PrometheusKind, points: readonly NumberDataPoint[], sink: SampleSink): void {
  const name = nameOf(metric, kind, points.length, sink);
  if (name === undefined) return;
  for (const point of points) {
    const stale = (point.flags & FLAG_NO_RECORDED_VALUE) !== 0;
    const value = point.asDouble ?? (point.asInt === undefined ? undefined : Number(point.asInt));
    if (value === undefined && !stale) {
      sink.drop('no_value', 1);
      continue;
    }
    sink.add(sink.labelsFor(point.attributes), name, value ?? Number.NaN, stale, point.timeUnixNano);
  }
}

function histogramPoint(name: string, point: HistogramDataPoint, sink: SampleSink): void {
  const { bucketCounts, explicitBounds } = point;
  if (bucketCounts.length !== 0 && bucketCounts.length !== explicitBounds.length + 1) {
    sink.drop('malformed_histogram', 1);
    return;
  }
  const stale = (point.flags & FLAG_NO_RECORDED_VALUE) !== 0;
  const labels = sink.labelsFor(point.attributes);
  const time = point.timeUnixNano;
  let cumulative = 0n;
  for (let i = 0; i < explicitBounds.length && bucketCounts.length > 0; i++) {
    cumulative += bucketCounts[i];
    sink.add(withLabel(labels, 'le', formatFloat(explicitBounds[i])), `${name}_bucket`, Number(cumulative), stale, time);
  }
  sink.add(withLabel(labels, 'le', '+Inf'), `${name}_bucket`, Number(point.count), stale, time);
  if (point.sum !== undefined) sink.add(labels, `${name}_sum`, point.sum, stale, time);
  sink.add(labels, `${name}_count`, Number(point.count), stale, time);
}

function summaryPoint(name: string, point: SummaryDataPoint, sink: SampleSink): void {
  const stale = (point.flags & FLAG_NO_RECORDED_VALUE) !== 0;
  const labels = sink.labelsFor(point.attributes);
  const time = point.timeUnixNano;
  for (const { quantile, value } of point.quantileValues) {
    sink.add(withLabel(labels, 'quantile', formatFloat(quantile)), name, value, stale, time);
  }
  sink.add(labels, `${name}_sum`, point.sum, stale, time);
  sink.add(labels, `${name}_count`, Number(point.count), stale, time);
}

function withLabel(labels: Map<string, string>, name: string, value: string): Map<string, string> {
  return new Map(labels).set(name, value);
}
