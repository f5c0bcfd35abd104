import type { RandomSource } from '../noise/index.js';
import { toClampedSteps } from './component-noise.js';
import type { SeriesLayout } from './layout.js';

const TWO_POW_53 = 2 ** 53;

/**
 * Writes one token's bounded contribution to a series, in grid steps per
 * component, into `out` (see `point-values.ts` for what `entry` holds):
 *
 * - sums: the window total, clamped to the clip bounds;
 * - gauges: the last value, clamped, less the layout's centre, and 1 for the token count (mean);
 * - histograms: bucket counts scaled down to at most clipCount in total with
 *   unbiased systematic rounding (the total stays an integer ≤ clipCount),
 *   and the sum scaled alike and clamped to count × the clip range.
 */
export function boundContribution(entry: Float64Array, layout: SeriesLayout, random: RandomSource, out: Float64Array): void {
  const { components } = layout;
  if (layout.kind === 'sum') {
    out[0] = toClampedSteps(entry[0], components[0]);
    return;
  }
  if (layout.kind === 'gauge') {
    out[0] = toClampedSteps(entry[0] - layout.centre, components[0]);
    if (components.length > 1) out[1] = toClampedSteps(1, components[1]);
    return;
  }
  const buckets = components.length - 1;
  let total = 0;
  for (let i = 0; i < buckets; i++) total += entry[i];
  const factor = total > layout.clipCount ? layout.clipCount / total : 1;
  let kept = 0;
  if (factor === 1) {
    for (let i = 0; i < buckets; i++) out[i] = toClampedSteps(entry[i], components[i]);
    kept = total;
  } else {
    // Systematic rounding: one uniform offset u; bucket i gets ⌊S_i + u⌋ − ⌊S_{i−1} + u⌋ where S is the running scaled total.
    const u = random.uniformInt(TWO_POW_53) / TWO_POW_53;
    let before = Math.floor(u);
    let running = 0;
    for (let i = 0; i < buckets; i++) {
      running += entry[i] * factor;
      const after = Math.floor(Math.min(running, layout.clipCount) + u);
      const count = after - before;
      before = after;
      out[i] = toClampedSteps(count, components[i]);
      kept += count;
    }
  }
  const sum = total > 0 ? entry[buckets] * (kept / total) : 0;
  const lower = kept * layout.clip.lower;
  const upper = kept * layout.clip.upper;
  out[buckets] = toClampedSteps(sum < lower ? lower : sum > upper ? upper : sum, components[buckets]);
}
