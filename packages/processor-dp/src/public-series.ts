import type { ReleasedTotals } from './kinds/released-totals.js';
import type { SeriesDescriptor } from './series.js';

/** A series that has been released once: public from then on (its existence came out of a DP release). */
export interface PublicSeries {
  descriptor: SeriesDescriptor;
  /** Start of the window in which it was first released. */
  firstWindowStartMillis: number;
  /** What it has released so far and exported from that. */
  totals: ReleasedTotals;
}

export interface ReleasedValue {
  series: PublicSeries;
  /** Per component, in the metric's unit: this window's noisy value, independent of every other window's noise. */
  values: Float64Array;
}
