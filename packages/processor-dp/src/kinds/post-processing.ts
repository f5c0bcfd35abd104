import type { OutputTemporality } from '../config.js';
import type { ReleasedValue } from '../release.js';

/**
 * Turns released noisy values into what is exported. Everything here reads
 * only released values and configuration, so it is free under DP:
 *
 * - counters: cumulative output never decreases (the running maximum of the
 *   estimates, so backends never see a reset); delta output is not negative;
 * - gauges: mean = noisy sum / noisy token count (at least 1), clamped to the
 *   clip range; or the noisy sum;
 * - histograms: bucket counts are whole and not negative (and, cumulative,
 *   never decrease); count = the sum of the released buckets; the sum is
 *   clamped to count × the clip range.
 *
 * Updates the series' last exported values and returns the values to write,
 * per component (gauges: one value).
 */
export function exportedValues(released: ReleasedValue, temporality: OutputTemporality): Float64Array {
  const { series, values } = released;
  const { layout, isMonotonic } = series.descriptor.metric;
  const cumulative = temporality === 'cumulative' && series.counters !== undefined;
  const out = new Float64Array(values.length);
  if (layout.kind === 'gauge') {
    const sum = values[0];
    if (layout.gaugeAggregation === 'sum') return Float64Array.of(sum);
    const mean = sum / Math.max(1, values[1]);
    return Float64Array.of(Math.min(layout.clip.upper, Math.max(layout.clip.lower, mean)));
  }
  if (layout.kind === 'sum') {
    out[0] = !isMonotonic ? values[0] : cumulative ? Math.max(series.exported[0], values[0]) : Math.max(0, values[0]);
  } else {
    const buckets = values.length - 1;
    let count = 0;
    for (let i = 0; i < buckets; i++) {
      const whole = Math.max(0, Math.round(values[i]));
      out[i] = cumulative ? Math.max(series.exported[i], whole) : whole;
      count += out[i];
    }
    const lower = count * layout.clip.lower;
    const upper = count * layout.clip.upper;
    out[buckets] = Math.min(upper, Math.max(lower, values[buckets]));
  }
  if (cumulative) series.exported.set(out);
  return out;
}
