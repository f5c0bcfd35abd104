import type { ReleasedHistogramInfo } from '@otel-dp/pipeline';
import type { ClipBounds, CounterProjection, OutputTemporality } from '../config.js';
import type { RandomSource } from '../noise/index.js';
import type { ReleasedValue } from '../public-series.js';
import { componentNoise, toClampedSteps, type ComponentNoise } from './component-noise.js';
import type { LayoutSettings, SeriesLayout } from './layout.js';
import { projectHistogram } from './released-totals.js';
import type { ExportedValues } from './series-kind.js';

const TWO_POW_53 = 2 ** 53;

/**
 * What both histogram kinds share. An entry and a release are
 * [bucket counts…, sum]; a series costs 2 units: a token's bucket counts are
 * scaled to at most `clipCount` in total, so the buckets together move by at
 * most clipCount in L1 and L2 (one unit), and the sum is the other. The sum
 * is left uncentred: adding the centre back would carry the centre times the
 * noise of the bucket total, more than centring saves.
 */
export function bucketComponents(buckets: number, clip: ClipBounds, clipCount: number, settings: LayoutSettings): ComponentNoise[] {
  const bucket = componentNoise(0, clipCount, settings.calibration);
  const sum = componentNoise(Math.min(0, clipCount * clip.lower), Math.max(0, clipCount * clip.upper), settings.calibration);
  return [...new Array<ComponentNoise>(buckets).fill(bucket), sum];
}

/**
 * Bucket counts scaled down to at most clipCount in total with unbiased
 * systematic rounding (the total stays an integer ≤ clipCount), and the sum
 * scaled alike and clamped to count × the clip range.
 */
export function boundBuckets(entry: Float64Array, layout: SeriesLayout, random: RandomSource, out: Float64Array): void {
  const { components } = layout;
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

/**
 * Whole, never-decreasing bucket counts adding up to an envelope of the
 * count, and the sum clamped to the count times the clip range (see
 * `released-totals.ts`); delta output writes the difference of consecutive
 * running totals. The headline number is the count.
 */
export function exportedBuckets(released: ReleasedValue, temporality: OutputTemporality, projection: CounterProjection): ExportedValues {
  const { series, values } = released;
  const { layout } = series.descriptor.metric;
  const { totals } = series;
  const before = Float64Array.from(totals.exported);
  totals.add(values);
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

/** A histogram's line for readable exporters, from its buckets in ascending order of value. */
export function describedBuckets(
  cumulativeValue: number | undefined,
  buckets: Omit<ReleasedHistogramInfo, 'scope'>,
): { histogram: ReleasedHistogramInfo } {
  return { histogram: { scope: cumulativeValue === undefined ? ('window' as const) : ('cumulative' as const), ...buckets } };
}
