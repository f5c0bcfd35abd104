import type { SeriesLayout } from './layout.js';

/**
 * Lag of the monotone envelope, in standard deviations of the running total.
 * Measured over the workloads of `scripts/accuracy-report.mjs`: a lag of κ
 * leaves the exported total about κ·sd below the truth while traffic flows,
 * and after a long silence above it by what the noise's new maxima push
 * (+0.42 sd after 200 idle windows at κ = 0.5, +0.14 at κ = 1, +0.75 at
 * κ = 0). 0.5 keeps both sides within half a standard deviation.
 */
export const ENVELOPE_LAG = 0.5;
/**
 * A histogram bucket claims a share of the count's growth only while its
 * raw running total stands above this many standard deviations (so empty
 * buckets, whose totals are pure noise, almost never do)…
 */
export const BUCKET_THRESHOLD = 3;
/** …and claims what it holds above this many standard deviations, less what it was given already. */
export const BUCKET_SHRINK = 1;

/**
 * What a public series has released so far, and what it exported from that.
 * Every window's release is the series' own noisy values, independent of
 * every other window's (see `release.ts`); everything here reads only those
 * and configuration, so it is post-processing and costs no budget. The raw
 * running totals are unbiased, with variance t·σ² after t windows; what is
 * exported is projected so that backends reading a decrease as a reset never
 * see one, at a bias this module bounds:
 *
 * - monotonic sums: the envelope E_t = max(E_{t−1}, S_t − κ·sd_t), E_0 = 0;
 * - histograms: the count is that envelope of the buckets' total, and each
 *   window's growth of the count is shared among the buckets in proportion
 *   to what each still lacks (its thresholded raw total minus what it holds),
 *   so no bucket ever decreases, empty buckets stay empty, and the buckets
 *   always add up to the count;
 * - the histogram's sum: when no value can be negative (and unless
 *   `counterProjection` is `none`) an envelope of its raw total that trails
 *   by the count's relative lag, so the mean keeps no lag; clamped to the
 *   count times the clip range. Bucket counts are projected either way: OTLP has
 *   no negative counts, and no bucket may fall.
 *
 * Delta output writes the difference of consecutive exported totals, so
 * summed deltas equal the cumulative output exactly.
 */
export class ReleasedTotals {
  /** Windows released so far. */
  windows = 0;
  /** Running total of the raw released values, per component, in the metric's unit. */
  readonly raw: Float64Array;
  /** Last exported running total, per component (sums: the value; histograms: buckets, then sum). */
  readonly exported: Float64Array;

  constructor(components: number) {
    this.raw = new Float64Array(components);
    this.exported = new Float64Array(components);
  }

  /** Adds one window's raw released values. */
  add(values: Float64Array): void {
    this.windows++;
    for (let j = 0; j < values.length; j++) this.raw[j] += values[j];
  }

  /** Standard deviation of component j's raw running total. */
  totalStdDev(layout: SeriesLayout, j: number): number {
    return Math.sqrt(this.windows) * layout.components[j].stdDev;
  }
}

/**
 * κ·sd of component j's running total, rounded up to its noise grid: the raw
 * totals lie on the grid, and so does everything exported from them, which
 * keeps the released values free of low-order bits of anything else.
 */
function envelopeLag(totals: ReleasedTotals, layout: SeriesLayout, j: number): number {
  const grid = layout.components[j].grid;
  return Math.ceil((ENVELOPE_LAG * totals.totalStdDev(layout, j)) / grid) * grid;
}

/** The next exported running total of a monotonic sum (component 0). */
export function projectMonotoneSum(totals: ReleasedTotals, layout: SeriesLayout): number {
  const candidate = totals.raw[0] - envelopeLag(totals, layout, 0);
  const next = Math.max(totals.exported[0], candidate);
  totals.exported[0] = next;
  return next;
}

/**
 * The next exported running totals of a histogram (buckets, then sum),
 * written into `totals.exported`. Bucket counts stay whole numbers.
 */
export function projectHistogram(totals: ReleasedTotals, layout: SeriesLayout, monotoneSum: boolean): void {
  const { raw, exported } = totals;
  const buckets = raw.length - 1;
  let rawCount = 0;
  let countVariance = 0;
  let count = 0;
  for (let i = 0; i < buckets; i++) {
    rawCount += raw[i];
    countVariance += layout.components[i].stdDev ** 2;
    count += exported[i];
  }
  const countStdDev = Math.sqrt(totals.windows * countVariance);
  const nextCount = Math.max(count, Math.round(rawCount - ENVELOPE_LAG * countStdDev));
  shareGrowth(totals, layout, nextCount - count);

  const { lower, upper } = layout.clip;
  const sum = raw[buckets];
  const previous = exported[buckets];
  const grid = layout.components[buckets].grid;
  const floor = Math.ceil((nextCount * lower) / grid) * grid;
  const ceiling = Math.floor((nextCount * upper) / grid) * grid;
  if (monotoneSum && lower >= 0) {
    // The sum trails by the same fraction as the count, so that sum / count
    // (the mean a dashboard divides out) carries no lag of its own. Both
    // bounds and the previous total only grow with the count, so the result
    // never decreases.
    const lag = rawCount > 0 ? Math.min(1, (ENVELOPE_LAG * countStdDev) / rawCount) * Math.max(0, sum) : envelopeLag(totals, layout, buckets);
    const candidate = Math.max(previous, sum - Math.ceil(lag / grid) * grid);
    exported[buckets] = Math.min(ceiling, Math.max(floor, candidate));
  } else {
    exported[buckets] = Math.min(ceiling, Math.max(floor, sum));
  }
}

/**
 * Shares `growth` whole counts among the buckets: by what each still lacks
 * when any lacks something, else in proportion to what they hold (the
 * released shape so far), else to their positive raw totals. Largest
 * remainders round the shares, so they add up to `growth` exactly.
 */
function shareGrowth(totals: ReleasedTotals, layout: SeriesLayout, growth: number): void {
  if (growth <= 0) return;
  const { raw, exported } = totals;
  const buckets = raw.length - 1;
  const weights = new Float64Array(buckets);
  let total = 0;
  for (let i = 0; i < buckets; i++) {
    const sd = totals.totalStdDev(layout, i);
    const lack = raw[i] > BUCKET_THRESHOLD * sd ? raw[i] - BUCKET_SHRINK * sd - exported[i] : 0;
    weights[i] = lack > 0 ? lack : 0;
    total += weights[i];
  }
  if (total === 0) total = fill(weights, exported, buckets);
  if (total === 0) total = fill(weights, raw, buckets);
  const shares = new Float64Array(buckets);
  let given = 0;
  for (let i = 0; i < buckets; i++) {
    shares[i] = (growth * weights[i]) / total;
    const whole = Math.floor(shares[i]);
    exported[i] += whole;
    shares[i] -= whole;
    given += whole;
  }
  for (let left = growth - given; left > 0; left--) {
    let best = 0;
    for (let i = 1; i < buckets; i++) if (shares[i] > shares[best]) best = i;
    exported[best] += 1;
    shares[best] = -1;
  }
}

/** Copies the positive part of `from` into `weights`; returns its total. */
function fill(weights: Float64Array, from: Float64Array, buckets: number): number {
  let total = 0;
  for (let i = 0; i < buckets; i++) {
    weights[i] = from[i] > 0 ? from[i] : 0;
    total += weights[i];
  }
  return total;
}
