import type { HistogramDataPoint } from '@otel-dp/otlp';
import type { MetricGroup } from '../series-directory.js';
import { boundBuckets, bucketComponents, describedBuckets, exportedBuckets } from './bucket-counts.js';
import { baseLayout } from './layout.js';
import { MAX_HISTOGRAM_BUCKETS, scratch } from './point-values.js';
import type { KnownRoute, SeriesKind } from './series-kind.js';

/**
 * A histogram point's buckets then sum, or undefined when its bucket counts
 * do not fit its bounds. A point without buckets is one bucket holding its count.
 * The vector is reused for the next point of its width.
 */
export function histogramValues(point: HistogramDataPoint): Float64Array | undefined {
  const buckets = point.bucketCounts.length;
  if (buckets === 0) {
    const values = scratch(2);
    values[0] = Number(point.count);
    values[1] = point.sum ?? 0;
    return values;
  }
  if (buckets !== point.explicitBounds.length + 1) return undefined;
  const values = scratch(buckets + 1);
  for (let i = 0; i < buckets; i++) values[i] = Number(point.bucketCounts[i]);
  values[buckets] = point.sum ?? 0;
  return values;
}

/** The bounds a histogram point's series is keyed by (none for a point without buckets). */
export function histogramBounds(point: HistogramDataPoint): number[] {
  return point.bucketCounts.length === 0 ? [] : point.explicitBounds;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  // Points of one request often share one bounds array (span metrics always do): checked twice per point.
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Explicit-bucket histograms. A token's entry is [delta count of each
 * bucket…, delta sum]; a series releases one component per bucket and the
 * sum, at 2 units (see `bucket-counts.ts`). Series are keyed by their
 * bounds too, so only points of one layout are aggregated together.
 */
export const HISTOGRAM: SeriesKind = {
  name: 'histogram',
  runningTotals: true,
  headline: 'count',

  points: (metric) => metric.histogram?.dataPoints,

  layout(metric, explicitBounds, settings) {
    const clip = settings.clip.lookup(metric.name);
    const clipCount = settings.clipCount.lookup(metric.name);
    const components = bucketComponents(explicitBounds.length + 1, clip, clipCount, settings.layout);
    return { ...baseLayout(clip), clipCount, explicitBounds, units: 2, components };
  },

  accumulate(metric, intake) {
    const histogram = metric.histogram!;
    const { counts } = intake;
    // The points of one metric nearly always share their bounds: their group is found again only when the bounds change.
    let bounds: readonly number[] = [];
    let metricGroup: MetricGroup | undefined;
    const known: KnownRoute<HistogramDataPoint> = (point) =>
      metricGroup !== undefined && sameNumbers(histogramBounds(point), bounds) ? intake.known(metricGroup, point) : undefined;
    const untokened = intake.takeEach(histogram.dataPoints, known, (point, token, knownRoute) => {
      if (point.bucketCounts.length > MAX_HISTOGRAM_BUCKETS) return void counts.tooManyBuckets++;
      const values = histogramValues(point);
      if (values === undefined) return void counts.malformed++;
      if (Number.isNaN(values[values.length - 1])) return void counts.notANumber++;
      const pointBounds = histogramBounds(point);
      if (metricGroup === undefined || !sameNumbers(pointBounds, bounds)) {
        metricGroup = intake.group(intake.metricContext(metric, HISTOGRAM, false, pointBounds));
        bounds = pointBounds;
      }
      const route = knownRoute ?? intake.routeOf(point, metricGroup);
      if (route === undefined) return;
      const series = intake.seriesOf(route);
      if (series < 0) return;
      intake.addVector(histogram.aggregationTemporality, token, series, route, point, values);
    });
    return untokened.length === 0 ? undefined : { ...metric, histogram: { ...histogram, dataPoints: untokened } };
  },

  bound: boundBuckets,
  exported: exportedBuckets,

  emptyData(metric, aggregationTemporality) {
    metric.histogram = { dataPoints: [], aggregationTemporality };
  },

  writePoint(metric, point, values, layout) {
    const sum = values[values.length - 1];
    const bucketCounts = Array.from(values.subarray(0, values.length - 1), BigInt);
    const count = bucketCounts.reduce((total, n) => total + n, 0n);
    metric.histogram!.dataPoints.push({ ...point, count, sum, bucketCounts, explicitBounds: layout.explicitBounds, exemplars: [] });
  },

  /** Bucket i covers (bounds[i-1], bounds[i]]. */
  describe(layout, values, cumulativeValue) {
    const bounds = layout.explicitBounds;
    return describedBuckets(cumulativeValue, {
      lowerBounds: [-Infinity, ...bounds],
      upperBounds: [...bounds, Infinity],
      counts: Array.from(values.subarray(0, values.length - 1)),
      sum: values[values.length - 1],
    });
  },
};
