import type { ExponentialHistogramBuckets, ExponentialHistogramDataPoint } from '@otel-dp/otlp';
import { boundBuckets, bucketComponents, describedBuckets, exportedBuckets } from './bucket-counts.js';
import { baseLayout, type ExponentialLayout } from './layout.js';
import { scratch } from './point-values.js';
import type { SeriesKind } from './series-kind.js';

/** The index of the bucket at `scale` that holds magnitude `value` > 0 (upper-inclusive buckets, as OTLP defines them). */
export function bucketIndex(value: number, scale: number): number {
  return Math.ceil(Math.log2(value) * 2 ** scale) - 1;
}

/**
 * Maps an exponential histogram point onto the released layout: buckets are
 * merged down to the layout's scale (index i at scale s lies in bucket
 * i >> (s − S) at scale S < s); a point coarser than the layout puts each
 * bucket's count in the first fine bucket it covers. Indices outside the
 * layout fold into its end buckets, and a sign the layout has no buckets for
 * folds into the zero bucket. The vector is reused for the next point of its width.
 */
export function exponentialValues(point: ExponentialHistogramDataPoint, layout: ExponentialLayout): Float64Array {
  const values = scratch(2 + layout.positiveBuckets + layout.negativeBuckets);
  values[0] = Number(point.zeroCount);
  addSide(values, point.positive, point.scale, layout.scale, 1, layout.positiveOffset, layout.positiveBuckets);
  addSide(values, point.negative, point.scale, layout.scale, 1 + layout.positiveBuckets, layout.negativeOffset, layout.negativeBuckets);
  values[values.length - 1] = point.sum ?? 0;
  return values;
}

function addSide(
  values: Float64Array,
  buckets: ExponentialHistogramBuckets | undefined,
  scale: number,
  targetScale: number,
  at: number,
  offset: number,
  count: number,
): void {
  if (buckets === undefined) return;
  for (let j = 0; j < buckets.bucketCounts.length; j++) {
    const n = Number(buckets.bucketCounts[j]);
    if (n === 0) continue;
    if (count === 0) {
      values[0] += n;
      continue;
    }
    const index = buckets.offset + j;
    const target = scale >= targetScale ? Math.floor(index / 2 ** (scale - targetScale)) : index * 2 ** (targetScale - scale);
    const slot = Math.min(count - 1, Math.max(0, target - offset));
    values[at + slot] += n;
  }
}

/**
 * Exponential histograms, released on one fixed layout whatever the input's
 * scale. A token's entry is [zero bucket, positive buckets…, negative
 * buckets…, sum] on that layout; a series releases each of them, at 2 units
 * (see `bucket-counts.ts`).
 *
 * Bucket i of scale s covers (2^(i·2^-s), 2^((i+1)·2^-s)]. The layout spans
 * the clip range: from the bucket holding the bound's magnitude down by at
 * most `exponentialMaxBuckets` buckets; smaller magnitudes fold into the
 * lowest bucket, and a side of zero the range excludes has no buckets.
 */
export const EXPONENTIAL_HISTOGRAM: SeriesKind = {
  name: 'exponential-histogram',
  runningTotals: true,
  headline: 'count',

  points: (metric) => metric.exponentialHistogram?.dataPoints,

  layout(metric, _explicitBounds, settings) {
    const clip = settings.clip.lookup(metric.name);
    const clipCount = settings.clipCount.lookup(metric.name);
    const scale = settings.layout.exponentialScale;
    const maxBuckets = settings.layout.exponentialMaxBuckets;
    const side = (magnitude: number): { offset: number; buckets: number } => {
      if (!(magnitude > 0)) return { offset: 0, buckets: 0 };
      const top = bucketIndex(magnitude, scale);
      return { offset: top - maxBuckets + 1, buckets: maxBuckets };
    };
    const positive = side(Math.max(0, clip.upper));
    const negative = side(Math.max(0, -clip.lower));
    const exponential: ExponentialLayout = {
      scale,
      positiveOffset: positive.offset,
      positiveBuckets: positive.buckets,
      negativeOffset: negative.offset,
      negativeBuckets: negative.buckets,
    };
    const components = bucketComponents(1 + positive.buckets + negative.buckets, clip, clipCount, settings.layout);
    return { ...baseLayout(clip), clipCount, exponential, units: 2, components };
  },

  accumulate(metric, intake) {
    const histogram = metric.exponentialHistogram!;
    const { counts } = intake;
    const metricContext = intake.metricContext(metric, EXPONENTIAL_HISTOGRAM, false, []);
    const untokened = intake.takePoints(histogram.dataPoints, metricContext, (point: ExponentialHistogramDataPoint, token, series, route) => {
      const values = exponentialValues(point, metricContext.layout.exponential!);
      if (Number.isNaN(values[values.length - 1])) return void counts.notANumber++;
      intake.addVector(histogram.aggregationTemporality, token, series, route, point, values);
    });
    return untokened.length === 0 ? undefined : { ...metric, exponentialHistogram: { ...histogram, dataPoints: untokened } };
  },

  bound: boundBuckets,
  exported: exportedBuckets,

  emptyData(metric, aggregationTemporality) {
    metric.exponentialHistogram = { dataPoints: [], aggregationTemporality };
  },

  writePoint(metric, point, values, layout) {
    const sum = values[values.length - 1];
    const exponential = layout.exponential!;
    const zeroCount = BigInt(values[0]);
    const positive = Array.from(values.subarray(1, 1 + exponential.positiveBuckets), BigInt);
    const negative = Array.from(values.subarray(1 + exponential.positiveBuckets, values.length - 1), BigInt);
    const count = [...positive, ...negative].reduce((total, n) => total + n, zeroCount);
    metric.exponentialHistogram!.dataPoints.push({
      ...point,
      count,
      sum,
      scale: exponential.scale,
      zeroCount,
      positive: { offset: exponential.positiveOffset, bucketCounts: positive },
      negative: { offset: exponential.negativeOffset, bucketCounts: negative },
      exemplars: [],
      zeroThreshold: 0,
    });
  },

  /** An exponential bucket at index i covers (base^i, base^(i+1)] with base = 2^(2^-scale), mirrored for negative values; ascending order. */
  describe(layout, values, cumulativeValue) {
    const exponential = layout.exponential!;
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
    return describedBuckets(cumulativeValue, { lowerBounds, upperBounds, counts, sum: values[values.length - 1] });
  },
};
