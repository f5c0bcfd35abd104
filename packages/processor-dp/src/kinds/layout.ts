import type { ClipBounds, GaugeAggregation } from '../config.js';
import type { WindowCalibration } from '../window-calibration.js';
import { componentNoise, type ComponentNoise } from './component-noise.js';

export type SeriesKind = 'sum' | 'gauge' | 'histogram' | 'exponential-histogram';

/** The fixed bucket layout exponential histograms are released on, whatever the input's scale. */
export interface ExponentialLayout {
  scale: number;
  positiveOffset: number;
  positiveBuckets: number;
  negativeOffset: number;
  negativeBuckets: number;
}

/**
 * What one series releases, component by component, fixed by configuration
 * and the series' identity, never by the data:
 *
 * | kind | components | units against k |
 * | --- | --- | --- |
 * | sum | value | 1 |
 * | gauge, mean | sum of last values minus the centre, token count | 2 |
 * | gauge, sum | sum of last values | 1 |
 * | histogram | one per bucket, sum | 2 |
 * | exponential histogram | zero bucket, positive buckets, negative buckets, sum | 2 |
 *
 * A token's bucket counts are scaled to at most `clipCount` in total, so the
 * buckets together move by at most clipCount in L1 and L2: one unit. Every
 * component's noise is the calibration's per-unit scale times its bound.
 *
 * A mean gauge's values are released centred on the middle of the clip
 * range, so their bound is half the range rather than its largest magnitude;
 * the centre is added back through the noisy token count. Sums cannot be
 * centred (a token that sent nothing adds 0, not the centre), and a
 * histogram's sum is left uncentred too: adding the centre back would carry
 * the centre times the noise of the bucket total, more than centring saves.
 */
export interface SeriesLayout {
  kind: SeriesKind;
  units: 1 | 2;
  components: ComponentNoise[];
  clip: ClipBounds;
  gaugeAggregation: GaugeAggregation;
  /** Subtracted from each token's gauge value before release, added back after (mean gauges); 0 elsewhere. */
  centre: number;
  clipCount: number;
  explicitBounds: number[];
  exponential: ExponentialLayout | undefined;
}

export interface LayoutSettings {
  calibration: WindowCalibration;
  exponentialScale: number;
  exponentialMaxBuckets: number;
}

function base(kind: SeriesKind, clip: ClipBounds): Omit<SeriesLayout, 'units' | 'components'> {
  return { kind, clip, gaugeAggregation: 'mean', centre: 0, clipCount: 0, explicitBounds: [], exponential: undefined };
}

export function sumLayout(clip: ClipBounds, settings: LayoutSettings): SeriesLayout {
  const components = [componentNoise(clip.lower, clip.upper, settings.calibration)];
  return { ...base('sum', clip), units: 1, components };
}

export function gaugeLayout(clip: ClipBounds, aggregation: GaugeAggregation, settings: LayoutSettings): SeriesLayout {
  if (aggregation === 'sum') {
    return { ...base('gauge', clip), gaugeAggregation: aggregation, units: 1, components: [componentNoise(clip.lower, clip.upper, settings.calibration)] };
  }
  const centre = clip.lower / 2 + clip.upper / 2;
  const components = [componentNoise(clip.lower - centre, clip.upper - centre, settings.calibration), componentNoise(0, 1, settings.calibration)];
  return { ...base('gauge', clip), gaugeAggregation: aggregation, centre, units: 2, components };
}

function histogramComponents(buckets: number, clip: ClipBounds, clipCount: number, settings: LayoutSettings): ComponentNoise[] {
  const bucket = componentNoise(0, clipCount, settings.calibration);
  const sum = componentNoise(Math.min(0, clipCount * clip.lower), Math.max(0, clipCount * clip.upper), settings.calibration);
  return [...new Array<ComponentNoise>(buckets).fill(bucket), sum];
}

export function histogramLayout(explicitBounds: number[], clip: ClipBounds, clipCount: number, settings: LayoutSettings): SeriesLayout {
  const components = histogramComponents(explicitBounds.length + 1, clip, clipCount, settings);
  return { ...base('histogram', clip), clipCount, explicitBounds, units: 2, components };
}

/**
 * Bucket i of scale s covers (2^(i·2^-s), 2^((i+1)·2^-s)]. The layout spans
 * the clip range: from the bucket holding the bound's magnitude down by at
 * most `exponentialMaxBuckets` buckets; smaller magnitudes fold into the
 * lowest bucket, and a side of zero the range excludes has no buckets.
 */
export function exponentialLayout(clip: ClipBounds, clipCount: number, settings: LayoutSettings): SeriesLayout {
  const scale = settings.exponentialScale;
  const side = (magnitude: number): { offset: number; buckets: number } => {
    if (!(magnitude > 0)) return { offset: 0, buckets: 0 };
    const top = bucketIndex(magnitude, scale);
    return { offset: top - settings.exponentialMaxBuckets + 1, buckets: settings.exponentialMaxBuckets };
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
  const components = histogramComponents(1 + positive.buckets + negative.buckets, clip, clipCount, settings);
  return { ...base('exponential-histogram', clip), clipCount, exponential, units: 2, components };
}

/** The index of the bucket at `scale` that holds magnitude `value` > 0 (upper-inclusive buckets, as OTLP defines them). */
export function bucketIndex(value: number, scale: number): number {
  return Math.ceil(Math.log2(value) * 2 ** scale) - 1;
}
