import type { RetryConfig } from './retry-config.js';

/** Retry waits of tens of milliseconds, so failure paths run in well under a second. */
export const FAST_RETRY: RetryConfig = {
  enabled: true,
  initialIntervalMillis: 20,
  maxIntervalMillis: 50,
  maxElapsedMillis: 5000,
  multiplier: 1.5,
  randomizationFactor: 0.5,
};
