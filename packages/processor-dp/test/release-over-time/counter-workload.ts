import { DEFAULT_DP_CONFIG, type DpProcessorConfig } from '../../src/index.js';
import { COUNTER_METRIC, accuracyConfig } from '../../src/testing.js';

/** One-second windows from a fixed start, for the counter workloads of these tests. */
export const schedule = { windowMillis: 1000, startMillis: 1_700_000_000_000 };

/** ε = 1 per window, Gaussian, k = 1, the counter clipped at 0:10 per token and window; its series declared public. */
export function counterConfig(overrides: Partial<DpProcessorConfig>): DpProcessorConfig {
  return accuracyConfig({
    ...DEFAULT_DP_CONFIG,
    epsilon: 1,
    windowMillis: schedule.windowMillis,
    maxSeriesPerToken: 1,
    clip: [{ pattern: COUNTER_METRIC, lower: 0, upper: 10 }],
    ...overrides,
  });
}
