import { AggregationTemporality, type ExportMetricsServiceRequest, type KeyValue } from '@otel-dp/otlp';
import { SPAN_CALLS_METRIC, SPAN_DURATION_METRIC } from '@otel-dp/processor-dp';
import { releasedPoints } from './released-values.js';

/** How the span metrics' series are grouped for comparison with the truth: `span.name` and `status.code`. */
export function routeStatusKey(spanName: string, statusCode: string): string {
  return `${spanName} ${statusCode}`;
}

/** One released point of a span metric, reduced to what totals need. */
interface Released {
  series: string;
  group: string;
  temporality: number;
  value: number;
  timeUnixNano: bigint;
}

/**
 * Total per group of delta points, latest point per series of cumulative
 * ones (by time, then arrival), series of one group added together.
 */
function totals(points: readonly Released[]): Map<string, number> {
  const perSeries = new Map<string, { group: string; delta: number; latest: Released | undefined }>();
  for (const point of points) {
    let series = perSeries.get(point.series);
    if (series === undefined) {
      series = { group: point.group, delta: 0, latest: undefined };
      perSeries.set(point.series, series);
    }
    if (point.temporality === AggregationTemporality.CUMULATIVE) {
      if (series.latest === undefined || point.timeUnixNano >= series.latest.timeUnixNano) series.latest = point;
    } else {
      series.delta += point.value;
    }
  }
  const out = new Map<string, number>();
  for (const series of perSeries.values()) out.set(series.group, (out.get(series.group) ?? 0) + series.delta + (series.latest?.value ?? 0));
  return out;
}

/** Released `traces.span.metrics.calls` per span name and status code. */
export function releasedCalls(requests: readonly ExportMetricsServiceRequest[]): Map<string, number> {
  return totals(
    releasedPoints(requests, SPAN_CALLS_METRIC).map((point) => ({
      series: point.seriesKey,
      group: routeStatusKey(point.attributes['span.name'] ?? '', point.attributes['status.code'] ?? ''),
      temporality: point.temporality,
      value: point.value,
      timeUnixNano: point.timeUnixNano,
    })),
  );
}

function text(attributes: readonly KeyValue[], key: string): string {
  return attributes.find((kv) => kv.key === key)?.value.stringValue ?? '';
}

/** The released count of `traces.span.metrics.duration` (explicit or exponential) per span name and status code. */
export function releasedDurationCounts(requests: readonly ExportMetricsServiceRequest[]): Map<string, number> {
  const points: Released[] = [];
  for (const request of requests) {
    for (const resourceMetrics of request.resourceMetrics) {
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        for (const metric of scopeMetrics.metrics) {
          if (metric.name !== SPAN_DURATION_METRIC) continue;
          const histogram = metric.histogram ?? metric.exponentialHistogram;
          for (const point of histogram?.dataPoints ?? []) {
            const series = point.attributes
              .map((kv) => `${kv.key}=${kv.value.stringValue ?? ''}`)
              .sort()
              .join(',');
            points.push({
              series,
              group: routeStatusKey(text(point.attributes, 'span.name'), text(point.attributes, 'status.code')),
              temporality: histogram!.aggregationTemporality,
              value: Number(point.count),
              timeUnixNano: point.timeUnixNano,
            });
          }
        }
      }
    }
  }
  return totals(points);
}

/** Drops groups whose total is 0: public series nobody used are released every window, with value 0 at a huge ε. */
export function withoutZeros(map: ReadonlyMap<string, number>, tolerance: number): Map<string, number> {
  return new Map([...map].filter(([, value]) => Math.abs(value) > tolerance));
}
