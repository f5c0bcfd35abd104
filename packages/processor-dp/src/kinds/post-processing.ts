import type { CounterProjection, OutputTemporality } from '../config.js';
import type { ReleasedValue } from '../release.js';
import { projectHistogram, projectMonotoneSum } from './released-totals.js';

/** What is written for one released series this window. */
export interface ExportedValues {
  /** Per component as written (gauges and sums: one value; histograms: buckets, then sum). */
  values: Float64Array;
  /** The headline number (a sum's value, a gauge's value, a histogram's count) for this window. */
  windowValue: number;
  /** The same number as a running total, when the series is written cumulatively. */
  cumulativeValue: number | undefined;
  /** Standard error of what is written for the headline number (of the running total when cumulative). */
  stdErr: number;
  /** The standard error of one window's headline number. */
  windowStdErr: number;
}

/**
 * Turns one window's released noisy values into what is exported. It reads
 * only released values and configuration, so it is free under DP; the bias
 * it may add is bounded in `released-totals.ts`.
 *
 * - sums: running totals of the raw window values; monotonic ones projected
 *   onto a never-decreasing envelope unless `--counter-projection none`;
 * - histograms: whole, never-decreasing bucket counts adding up to an
 *   envelope of the count, and the sum clamped to the count times the clip range;
 * - gauges, per window: mean = centre + noisy centred sum / noisy token
 *   count (at least 1), clamped to the clip range; or the noisy sum.
 *
 * Delta output writes the difference of consecutive running totals.
 * Updates the series' totals.
 */
export function exportedValues(released: ReleasedValue, temporality: OutputTemporality, projection: CounterProjection): ExportedValues {
  const { series, values } = released;
  const { layout, isMonotonic } = series.descriptor.metric;
  if (layout.kind === 'gauge') return gaugeValues(released);
  const { totals } = series;
  const before = Float64Array.from(totals.exported);
  totals.add(values);
  if (layout.kind === 'sum') {
    const cumulative = isMonotonic && projection === 'monotone' ? projectMonotoneSum(totals, layout) : (totals.exported[0] = totals.raw[0]);
    const windowStdErr = layout.components[0].stdDev;
    const stdErr = temporality === 'cumulative' ? totals.totalStdDev(layout, 0) : windowStdErr;
    const windowValue = cumulative - before[0];
    return { values: Float64Array.of(temporality === 'cumulative' ? cumulative : windowValue), windowValue, cumulativeValue: temporality === 'cumulative' ? cumulative : undefined, stdErr, windowStdErr };
  }
  projectHistogram(totals, layout, projection === 'monotone');
  const buckets = values.length - 1;
  let count = 0;
  let previousCount = 0;
  let variance = 0;
  for (let i = 0; i < buckets; i++) {
    count += totals.exported[i];
    previousCount += before[i];
    variance += layout.components[i].stdDev ** 2;
  }
  const windowStdErr = Math.sqrt(variance);
  const out = temporality === 'cumulative' ? Float64Array.from(totals.exported) : totals.exported.map((value, i) => value - before[i]);
  return {
    values: out,
    windowValue: count - previousCount,
    cumulativeValue: temporality === 'cumulative' ? count : undefined,
    stdErr: temporality === 'cumulative' ? Math.sqrt(totals.windows) * windowStdErr : windowStdErr,
    windowStdErr,
  };
}

/**
 * A mean's standard error by the delta method, from the released values
 * alone: √(σ_s² + m²·σ_n²) / n̂, m the centred mean and n̂ the noisy count.
 */
function gaugeValues(released: ReleasedValue): ExportedValues {
  const { layout } = released.series.descriptor.metric;
  const { values } = released;
  const [sum, count] = layout.components;
  if (layout.gaugeAggregation === 'sum') {
    return { values: Float64Array.of(values[0]), windowValue: values[0], cumulativeValue: undefined, stdErr: sum.stdDev, windowStdErr: sum.stdDev };
  }
  const tokens = Math.max(1, values[1]);
  const centred = values[0] / tokens;
  const mean = Math.min(layout.clip.upper, Math.max(layout.clip.lower, layout.centre + centred));
  const stdErr = Math.sqrt(sum.stdDev ** 2 + centred ** 2 * count.stdDev ** 2) / tokens;
  return { values: Float64Array.of(mean), windowValue: mean, cumulativeValue: undefined, stdErr, windowStdErr: stdErr };
}
