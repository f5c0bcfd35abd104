import type { NoiseSampler } from './noise/noise-mechanism.js';

export {
  COUNTER_METRIC,
  LATENCY_METRIC,
  ROUTE,
  SDK_DEFAULT_BOUNDS,
  accuracyConfig,
  bucketCounts,
  counterBurst,
  histogramQuantile,
  latencyWorkload,
  releasedRuns,
  summarize,
  windowHistogram,
  type ErrorSummary,
  type ReleasedHistogram,
  type ReleasedRun,
  type Workload,
} from './accuracy.js';
export {
  chiSquareCdf,
  chiSquareLowerQuantile,
  chiSquareSurvival,
  chiSquareUpperQuantile,
  leastGaussianSigma,
  logGamma,
  normalCdf,
  normalUpperQuantile,
  regularizedGammaP,
  regularizedGammaQ,
} from './distribution-functions.js';
export { MetricsSink } from './metrics-sink.js';

/**
 * Draws no noise at all. Only for tests of deterministic logic (bounding,
 * deltas, output shape): a processor built with it is not private.
 */
export const noNoise: NoiseSampler = () => 0;
