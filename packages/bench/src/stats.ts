/** Median, minimum and maximum of repeated runs of one measurement. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/**
 * The spread of `values`, ignoring NaN (a run that could not measure). The
 * median of an even count is the mean of the two middle values. All fields
 * are NaN when no value is left.
 */
export function spreadOf(values: readonly number[]): Spread {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: NaN, min: NaN, max: NaN, runs: 0 };
  const middle = n >> 1;
  const median = n % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[n - 1], runs: n };
}

/**
 * The nearest-rank percentile `p` (0 < p ≤ 100) of an ascending array: the
 * smallest value with at least p % of the values at or below it. NaN when empty.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile is ${p}, must be in (0, 100]`);
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
