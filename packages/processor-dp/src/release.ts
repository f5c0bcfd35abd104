import type { ClipTable } from './config.js';
import type { RandomSource } from './noise/index.js';
import type { SeriesDescriptor } from './series.js';
import { metricNoise, toClampedSteps, type MetricNoise, type WindowCalibration } from './window-calibration.js';
import type { WindowContributions } from './window.js';

/** Draws integer noise of a given scale (σ or b, in grid steps). */
export type NoiseSampler = (scale: number) => number;

/** A series that has been released once: public from then on (its existence came out of a DP release). */
export interface PublicSeries {
  descriptor: SeriesDescriptor;
  /** Start of the window in which it was first released. */
  firstWindowStartMillis: number;
  /** Sum of every released delta, unprojected. */
  rawTotal: number;
  /** What was last exported as the cumulative value (never decreases for monotonic sums). */
  exportedTotal: number;
}

export interface ReleasedValue {
  series: PublicSeries;
  /** This window's released delta. */
  delta: number;
  noise: MetricNoise;
}

export interface WindowRelease {
  released: ReleasedValue[];
  suppressed: number;
}

interface Aggregate {
  steps: number;
  tokens: number;
}

export interface ReleaseInputs {
  window: WindowContributions;
  publicSeries: Map<string, PublicSeries>;
  calibration: WindowCalibration;
  clip: ClipTable;
  maxSeriesPerToken: number;
  random: RandomSource;
  sample: NoiseSampler;
}

/**
 * One window's DP release: bound each token's contribution (at most k series,
 * chosen uniformly at random when it touched more; each total clamped),
 * aggregate across tokens, select new series by noisy distinct-token count,
 * and noise every released value. Updates `publicSeries` in place.
 */
export function releaseWindow(inputs: ReleaseInputs): WindowRelease {
  const { window, publicSeries, calibration, clip, sample } = inputs;
  const noiseByMetric = new Map<string, MetricNoise>();
  const noiseFor = (descriptor: SeriesDescriptor): MetricNoise => {
    let noise = noiseByMetric.get(descriptor.metric.name);
    if (noise === undefined) {
      noise = metricNoise(clip.boundsFor(descriptor.metric.name), calibration);
      noiseByMetric.set(descriptor.metric.name, noise);
    }
    return noise;
  };

  const aggregates = aggregateBounded(inputs, noiseFor);

  let suppressed = 0;
  for (const [key, aggregate] of aggregates) {
    if (publicSeries.has(key)) continue;
    const noisyCount = aggregate.tokens + sample(calibration.selectionScale);
    if (noisyCount < calibration.selectionThreshold) {
      suppressed++;
      continue;
    }
    publicSeries.set(key, { descriptor: window.series.get(key)!, firstWindowStartMillis: window.startMillis, rawTotal: 0, exportedTotal: 0 });
  }

  const released: ReleasedValue[] = [];
  for (const [key, series] of publicSeries) {
    const noise = noiseFor(series.descriptor);
    const steps = (aggregates.get(key)?.steps ?? 0) + sample(noise.scaleSteps);
    const delta = steps * noise.grid;
    series.rawTotal += delta;
    series.exportedTotal = series.descriptor.metric.isMonotonic ? Math.max(series.exportedTotal, series.rawTotal) : series.rawTotal;
    released.push({ series, delta, noise });
  }
  return { released, suppressed };
}

function aggregateBounded(inputs: ReleaseInputs, noiseFor: (descriptor: SeriesDescriptor) => MetricNoise): Map<string, Aggregate> {
  const { window, maxSeriesPerToken, random } = inputs;
  const aggregates = new Map<string, Aggregate>();
  for (const totals of window.byToken.values()) {
    const keys = [...totals.keys()];
    const kept = keys.length > maxSeriesPerToken ? uniformSubset(keys, maxSeriesPerToken, random) : keys;
    for (const key of kept) {
      const steps = toClampedSteps(totals.get(key)!, noiseFor(window.series.get(key)!));
      const aggregate = aggregates.get(key);
      if (aggregate === undefined) aggregates.set(key, { steps, tokens: 1 });
      else {
        aggregate.steps += steps;
        aggregate.tokens++;
      }
    }
  }
  return aggregates;
}

/** A uniformly random k-subset (partial Fisher–Yates); reorders `items`. */
export function uniformSubset<T>(items: T[], k: number, random: RandomSource): T[] {
  for (let i = 0; i < k; i++) {
    const j = i + random.uniformInt(items.length - i);
    const chosen = items[j];
    items[j] = items[i];
    items[i] = chosen;
  }
  return items.slice(0, k);
}
