import type { NoiseSampler } from './noise/noise-mechanism.js';

export * from './accuracy.js';
export * from './distribution-functions.js';
export { MetricsSink } from './metrics-sink.js';

/**
 * Draws no noise at all. Only for tests of deterministic logic (bounding,
 * deltas, output shape): a processor built with it is not private.
 */
export const noNoise: NoiseSampler = () => 0;
