import type { ClipBounds, GaugeAggregation } from '../config.js';
import type { WindowCalibration } from '../window-calibration.js';
import type { ComponentNoise } from './component-noise.js';

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
 * and the series' identity, never by the data. Each kind's file says which
 * components it releases and how many units of k a series costs: one per
 * independently bounded part of a token's contribution. Every component's
 * noise is the calibration's per-unit scale times its bound.
 */
export interface SeriesLayout {
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

/** A layout's fields with what a kind does not set left at their neutral values. */
export function baseLayout(clip: ClipBounds): Omit<SeriesLayout, 'units' | 'components'> {
  return { clip, gaugeAggregation: 'mean', centre: 0, clipCount: 0, explicitBounds: [], exponential: undefined };
}
