import type { ExponentialHistogramBuckets, ExponentialHistogramDataPoint, HistogramDataPoint, NumberDataPoint } from '@otel-dp/otlp';
import type { ExponentialLayout } from './layout.js';

/**
 * What one (token, series) entry of a window holds, by kind:
 *
 * - sum: [total of the token's deltas]
 * - gauge: [the token's last value, that value's time in ms] (time −∞ = none yet)
 * - histogram: [delta count of each bucket…, delta sum]
 * - exponential histogram: [zero bucket, positive buckets…, negative buckets…, sum],
 *   on the released layout
 */
export const GAUGE_INITIAL = [0, -Infinity] as const;

/**
 * Most buckets of an explicit-bucket histogram point taken. A window holds
 * one entry of buckets + 1 numbers per (token, series), and the bounds are
 * the client's to choose: a 16 MiB request can carry a point of a million
 * buckets, 8 MB for every token that sends one. 1000 buckets (8 kB an
 * entry) is far above the SDKs' defaults of 16 or so.
 */
export const MAX_HISTOGRAM_BUCKETS = 1000;

/**
 * One zeroed vector per width, reused from point to point: a point's values
 * are consumed before the next point is read, so intake allocates none.
 * Widths are bounded (MAX_HISTOGRAM_BUCKETS + 1, or an exponential layout's).
 */
const scratchByWidth: Float64Array[] = [];

function scratch(width: number): Float64Array {
  let vector = scratchByWidth[width];
  if (vector === undefined) vector = scratchByWidth[width] = new Float64Array(width);
  else vector.fill(0);
  return vector;
}

export function numberValue(point: NumberDataPoint): number {
  return point.asDouble ?? (point.asInt === undefined ? 0 : Number(point.asInt));
}

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
