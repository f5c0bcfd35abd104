import type { BudgetStatus, Logger } from '@otel-dp/pipeline';
import type { SettingName } from './config.js';
import type { SpanMetricsConfig } from './span-metrics-options.js';
import type { RandomSource } from './noise/index.js';
import type { NoiseSampler } from './noise/noise-mechanism.js';

export interface DpProcessorOptions {
  /** The only randomness the processor uses (noise and sampling). Default: pooled node:crypto bytes. */
  random?: RandomSource;
  /** Wall clock in milliseconds. Default `Date.now`. */
  now?: () => number;
  logger?: Logger;
  /** Longest wait for pending exports at shutdown, in milliseconds. Default 5000. */
  shutdownTimeoutMillis?: number;
  /** Most (token, series) entries one window holds. Default 1,000,000. */
  maxWindowEntries?: number;
  /** Most (token, cumulative stream) baselines kept. Default 1,000,000. */
  maxCumulativeStreams?: number;
  /** Replaces the noise draws; only for tests of deterministic logic (see `@otel-dp/processor-dp/testing`). */
  noiseSampler?: NoiseSampler;
  /** Told of every window closed, released or not, for operators (an admin page); see {@link WindowOutcome}. */
  onWindow?: (outcome: WindowOutcome) => void;
  /**
   * What configuration errors and the limits named to clients (partial
   * success, a full window) call a setting; default the field's name. A
   * program that maps the fields from its own options passes its names.
   */
  settingName?: SettingName;
  /** How received spans (see `DpProcessor.traces`) become span metrics: dimensions, kinds, duration buckets. Default the connector's. */
  spans?: SpanMetricsConfig;
}

/**
 * What became of one window, for local operational use only: the counts are
 * exact (the suppressed count is not privatized), so they never go to the
 * backend with the release.
 */
export interface WindowOutcome {
  windowStartMillis: number;
  windowEndMillis: number;
  /** `withheld`: the horizon's budget cap refused it; `failed`: the release failed and nothing was exported. */
  status: 'released' | 'withheld' | 'failed';
  /** ε this window spent (0 unless released). */
  epsilon: number;
  released: number;
  suppressed: number;
  /** Per metric, series seen this window and not released yet (exact; empty unless released). */
  waiting?: { metric: string; series: number }[];
  /** What partition selection asks of a new series (`otel-dp plan`'s threshold); absent when `undeclaredSeries` is `drop`. */
  selection?: { threshold: number; stdDev: number };
  /** The horizon's budget after this window. */
  budget: BudgetStatus;
}
