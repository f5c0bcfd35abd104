import type { ClipBounds, GaugeAggregation } from '../config.js';
import type { WindowCalibration } from '../window-calibration.js';
import { TreeShape } from '../continual-counter.js';
import { componentNoise, noiseVariance, type ComponentNoise } from './component-noise.js';

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
 * | gauge, mean | sum of last values, token count | 2 |
 * | gauge, sum | sum of last values | 1 |
 * | histogram | one per bucket, sum | 2 |
 * | exponential histogram | zero bucket, positive buckets, negative buckets, sum | 2 |
 *
 * A token's bucket counts are scaled to at most `clipCount` in total, so the
 * buckets together move by at most clipCount in L1 and L2: one unit. Every
 * component's noise is the calibration's per-unit scale times its bound.
 */
export interface SeriesLayout {
  kind: SeriesKind;
  units: 1 | 2;
  components: ComponentNoise[];
  clip: ClipBounds;
  gaugeAggregation: GaugeAggregation;
  clipCount: number;
  explicitBounds: number[];
  exponential: ExponentialLayout | undefined;
  /** Continual-counting trees per component, for cumulative output of sums and histograms. */
  trees: TreeShape[] | undefined;
}

export interface LayoutSettings {
  calibration: WindowCalibration;
  /** Levels of the continual-counting tree; undefined when the output is delta. */
  treeLevels: number | undefined;
  exponentialScale: number;
  exponentialMaxBuckets: number;
}

/** The continual-counting tree of `levels` levels for one component, whose per-window scale it spreads over the nodes. */
export function treeShape(component: ComponentNoise, calibration: WindowCalibration, levels: number): TreeShape {
  // One window's total enters one node per level: L2 grows by √levels, L1 by levels.
  const factor = calibration.mechanism === 'gaussian' ? Math.sqrt(levels) : levels;
  const nodeScale = component.scaleSteps * factor;
  return new TreeShape(levels, nodeScale, noiseVariance(calibration, nodeScale));
}

function trees(components: ComponentNoise[], settings: LayoutSettings): TreeShape[] | undefined {
  const levels = settings.treeLevels;
  if (levels === undefined) return undefined;
  return components.map((component) => treeShape(component, settings.calibration, levels));
}

function base(kind: SeriesKind, clip: ClipBounds): Omit<SeriesLayout, 'units' | 'components' | 'trees'> {
  return { kind, clip, gaugeAggregation: 'mean', clipCount: 0, explicitBounds: [], exponential: undefined };
}

export function sumLayout(clip: ClipBounds, settings: LayoutSettings): SeriesLayout {
  const components = [componentNoise(clip.lower, clip.upper, settings.calibration)];
  return { ...base('sum', clip), units: 1, components, trees: trees(components, settings) };
}

export function gaugeLayout(clip: ClipBounds, aggregation: GaugeAggregation, settings: LayoutSettings): SeriesLayout {
  const components = [componentNoise(clip.lower, clip.upper, settings.calibration)];
  if (aggregation === 'mean') components.push(componentNoise(0, 1, settings.calibration));
  return { ...base('gauge', clip), gaugeAggregation: aggregation, units: aggregation === 'mean' ? 2 : 1, components, trees: undefined };
}

function histogramComponents(buckets: number, clip: ClipBounds, clipCount: number, settings: LayoutSettings): ComponentNoise[] {
  const bucket = componentNoise(0, clipCount, settings.calibration);
  const sum = componentNoise(Math.min(0, clipCount * clip.lower), Math.max(0, clipCount * clip.upper), settings.calibration);
  return [...new Array<ComponentNoise>(buckets).fill(bucket), sum];
}

export function histogramLayout(explicitBounds: number[], clip: ClipBounds, clipCount: number, settings: LayoutSettings): SeriesLayout {
  const components = histogramComponents(explicitBounds.length + 1, clip, clipCount, settings);
  return { ...base('histogram', clip), clipCount, explicitBounds, units: 2, components, trees: trees(components, settings) };
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
  return { ...base('exponential-histogram', clip), clipCount, exponential, units: 2, components, trees: trees(components, settings) };
}

/** The index of the bucket at `scale` that holds magnitude `value` > 0 (upper-inclusive buckets, as OTLP defines them). */
export function bucketIndex(value: number, scale: number): number {
  return Math.ceil(Math.log2(value) * 2 ** scale) - 1;
}
