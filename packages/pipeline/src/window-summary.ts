import type { KeyValue } from '@otel-dp/otlp';

/** One released value, for human-readable exporters. */
export interface ReleasedSeriesInfo {
  metric: string;
  /** Series attributes (resource, scope and point attributes, without the token). */
  attributes: KeyValue[];
  /** What this window added to the series (a sum's or gauge's value, a histogram's count). */
  value: number;
  /** The running total exported, when the output is cumulative. */
  cumulative?: number;
  /** Standard deviation of one window's noise in `value`. */
  noiseStdDev: number;
  /** Standard deviation of the noise in `cumulative`, when present. */
  cumulativeStdDev?: number;
  /**
   * The name of the processor's kind of the series (`sum`, `gauge`,
   * `histogram`, `exponential-histogram`, or any kind it registers later);
   * absent in summaries written before it was recorded.
   */
  kind?: string;
  /** The metric's unit as received. */
  unit?: string;
  /** Gauges: how the tokens' last values in the window were combined. */
  gaugeAggregation?: 'mean' | 'sum';
  /** Histograms: the released buckets and sum, as exported. */
  histogram?: ReleasedHistogramInfo;
}

/**
 * A released histogram's buckets in ascending order, as exported: this
 * window's when the output is delta, the running totals since the series'
 * first release when cumulative. Bucket i covers lowerBounds[i] to
 * upperBounds[i]; open ends are ±Infinity.
 */
export interface ReleasedHistogramInfo {
  scope: 'window' | 'cumulative';
  lowerBounds: number[];
  upperBounds: number[];
  counts: number[];
  sum: number;
}

/** What the processor says about one window's release, beside the data. */
export interface WindowSummary {
  windowStartUnixNano: bigint;
  windowEndUnixNano: bigint;
  mechanism: string;
  epsilon: number;
  delta: number;
  series: ReleasedSeriesInfo[];
  /**
   * New series held back by partition selection. An exact count, for local
   * diagnostics (the debug exporter); OTLP exporters never send it.
   */
  suppressedSeries: number;
  /** The privacy budget over the accountant's horizon, after this window. */
  budget?: BudgetStatus;
  /**
   * Per metric, series this window saw that are not released yet (exact,
   * local diagnostics only, like `suppressedSeries`); metrics with none are
   * left out.
   */
  waiting?: { metric: string; series: number }[];
  /** What partition selection asks of a new series; absent when every undeclared series is dropped. */
  selection?: SelectionRequirement;
}

/** A new series is released in a window when its distinct-token count plus noise of `stdDev` reaches `threshold`. */
export interface SelectionRequirement {
  threshold: number;
  stdDev: number;
}

export interface BudgetStatus {
  horizonMillis: number;
  spentEpsilon: number;
  spentDelta: number;
  /** Undefined when no cap is set. */
  remainingEpsilon: number | undefined;
}
