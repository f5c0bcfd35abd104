import { composeHorizon, totalsOf, type SpendTotals } from './accounting/composition.js';
import { DEFAULT_CONVERSION_DELTA } from './accounting/config.js';
import {
  DEFAULT_CLIP,
  DEFAULT_CLIP_COUNT,
  fieldName,
  resolveDpProcessorConfig,
  type ClipBounds,
  type DpConfigField,
  type DpProcessorConfig,
  type SettingName,
} from './config.js';
import { componentNoise, noiseVariance } from './kinds/component-noise.js';
import { ENVELOPE_LAG } from './kinds/released-totals.js';
import { calibrateWindow } from './window-calibration.js';

/** Windows after which `plan` states the standard deviation of a running total, besides a day's worth. */
export const PLAN_WINDOWS = [1, 10, 100] as const;

/**
 * Measured bias of the monotone projection, in standard deviations of the
 * running total (`scripts/accuracy-report.mjs`; 0.46 ± 0.03 after 200 idle windows at 400 runs): while traffic
 * flows the envelope trails by its lag; after a long silence the noise's new
 * maxima have lifted it by at most this much.
 */
export const MONOTONE_BIAS_AFTER_SILENCE = 0.45;

/** What the processor would do for the metrics one clip rule covers. */
export interface MetricPlan {
  /** The `clip` rule's glob, or `*` for the default bounds. */
  pattern: string;
  clip: ClipBounds;
  /** Noise standard deviation of one window's released sum, in the metric's unit. */
  windowStdDev: number;
  /**
   * Of the released running total after each of {@link PLAN_WINDOWS} and after a
   * day of windows (the cumulative value, or the sum of as many delta points).
   */
  totalStdDev: { windows: number; stdDev: number }[];
  /** Of one released histogram bucket count, for the rule's `clipCount` (histograms only). */
  bucketStdDev: number;
  /** Relative error of a window's sum when each of `tokens` tokens contributes the upper bound. */
  relativeError: number;
  /** Probability that a new series fed by `tokens` tokens passes partition selection in a window. */
  releaseProbability: number;
}

export interface PrivacyPlan {
  mechanism: string;
  epsilon: number;
  delta: number;
  tokens: number;
  /** A new series is released when its noisy distinct-token count reaches this; Infinity when `undeclaredSeries` is `drop`. */
  selectionThreshold: number;
  /** Standard deviation of that count's noise. */
  selectionStdDev: number;
  horizonWindows: number;
  /** What a token present in every window of the horizon spends: the composed (ε, δ). */
  horizon: { epsilon: number; delta: number };
  /**
   * Bias of the monotone projection of counters and histogram counts, in
   * standard deviations of the running total: [while traffic flows, after a
   * long silence]; [0, 0] when `counterProjection` is `none` (sums only).
   */
  projectionBias: [number, number];
  metrics: MetricPlan[];
}

/**
 * The calibration `otel-dp run` would use for these flags, from the same
 * functions the processor calls, with what it means for `tokens` tokens.
 */
export function planPrivacy(settings: DpProcessorConfig, tokens: number, settingName: SettingName<DpConfigField | 'tokens'> = fieldName): PrivacyPlan {
  const config = resolveDpProcessorConfig(settings, settingName);
  if (!Number.isInteger(tokens) || tokens < 1) throw new RangeError(`${settingName('tokens')} is ${tokens}, must be a whole number, at least 1`);
  const calibration = calibrateWindow(config, settingName);
  const horizonMillis = config.budgetHorizonMillis;
  const horizonWindows = Math.ceil(horizonMillis / config.windowMillis);
  const dayWindows = Math.ceil(86_400_000 / config.windowMillis);
  const selecting = Number.isFinite(calibration.selectionThreshold);
  const selectionStdDev = selecting ? Math.sqrt(noiseVariance(calibration, calibration.selectionScale)) : 0;
  // Released when tokens + Z ≥ τ, that is Z ≥ τ − tokens.
  const releaseProbability = selecting ? calibration.noise.upperTail(calibration.selectionScale, calibration.selectionThreshold - tokens) : 0;

  const rules = [...config.clip.map((rule) => ({ pattern: rule.pattern, clip: { lower: rule.lower, upper: rule.upper } })), { pattern: '*', clip: DEFAULT_CLIP }];
  const metrics = rules.map(({ pattern, clip }): MetricPlan => {
    const noise = componentNoise(clip.lower, clip.upper, calibration);
    const clipCount = config.clipCount.find((rule) => rule.pattern === pattern)?.count ?? DEFAULT_CLIP_COUNT;
    const bucket = componentNoise(0, clipCount, calibration);
    return {
      pattern,
      clip,
      windowStdDev: noise.stdDev,
      totalStdDev: [...PLAN_WINDOWS, dayWindows].map((windows) => ({ windows, stdDev: Math.sqrt(windows) * noise.stdDev })),
      bucketStdDev: bucket.stdDev,
      relativeError: noise.stdDev / (tokens * Math.max(Math.abs(clip.lower), Math.abs(clip.upper))),
      releaseProbability,
    };
  });
  return {
    mechanism: config.mechanism,
    epsilon: config.epsilon,
    delta: config.delta,
    tokens,
    selectionThreshold: calibration.selectionThreshold,
    selectionStdDev,
    horizonWindows,
    horizon: composeHorizon(scaled(totalsOf(calibration.spend), horizonWindows), DEFAULT_CONVERSION_DELTA),
    projectionBias: config.counterProjection === 'none' ? [0, 0] : [-ENVELOPE_LAG, MONOTONE_BIAS_AFTER_SILENCE],
    metrics,
  };
}

/** `n` windows of the same spend. */
function scaled(totals: SpendTotals, n: number): SpendTotals {
  return {
    zcdpRho: totals.zcdpRho * n,
    gaussianRho: totals.gaussianRho * n,
    pureEpsilon: totals.pureEpsilon * n,
    selectionDelta: totals.selectionDelta * n,
    windows: totals.windows * n,
  };
}

/** The plan as a readable table, naming the settings as `settingName` does. */
export function formatPlan(plan: PrivacyPlan, settingName: SettingName = fieldName): string {
  const number = (value: number) => Number(value.toPrecision(4)).toString();
  const selection = Number.isFinite(plan.selectionThreshold)
    ? `partition selection: a new series is released when its noisy token count (σ ${number(plan.selectionStdDev)}) reaches ${number(plan.selectionThreshold)}`
    : `partition selection: none (${settingName('undeclaredSeries')} drop): only declared series are released, and the whole budget goes to values`;
  const [flowing, silent] = plan.projectionBias;
  const bias =
    flowing === 0 && silent === 0
      ? `running totals: unbiased (${settingName('counterProjection')} none); monotonic sums are written as non-monotonic`
      : `running totals of counters and histogram counts never decrease; bias: ${number(flowing)} σ while traffic flows, up to +${number(silent)} σ after a long silence (σ of that total)`;
  const totals = plan.metrics[0].totalStdDev;
  const lines = [
    `${plan.mechanism} noise, ε=${plan.epsilon} δ=${plan.delta} per window; ${plan.tokens} tokens per series`,
    `a token present in every window of the horizon (${plan.horizonWindows} windows) spends ε=${number(plan.horizon.epsilon)} δ=${number(plan.horizon.delta)}`,
    selection,
    bias,
    '',
    // Each column names the kind it is for: a counter has no buckets, a histogram's count is not a counter's value.
    `| metric | clip | counters: σ per window | ${totals.map((total) => `counters: σ of the total after ${total.windows} window${total.windows === 1 ? '' : 's'}`).join(' | ')} | histograms: σ per bucket count per window | counters: relative error per window | P(release) |`,
    `| --- | --- | --- | ${totals.map(() => '---').join(' | ')} | --- | --- | --- |`,
  ];
  for (const metric of plan.metrics) {
    lines.push(
      `| ${metric.pattern} | ${metric.clip.lower}:${metric.clip.upper} | ${number(metric.windowStdDev)} | ${metric.totalStdDev.map((total) => number(total.stdDev)).join(' | ')} | ` +
        `${number(metric.bucketStdDev)} | ${number(metric.relativeError)} | ${number(metric.releaseProbability)} |`,
    );
  }
  return lines.join('\n');
}
