import {
  DEFAULT_BUDGET_HORIZON_MILLIS,
  DEFAULT_CLIP,
  DEFAULT_CLIP_COUNT,
  validateDpProcessorConfig,
  type ClipBounds,
  type DpProcessorConfig,
} from './config.js';
import { treeLevels } from './continual-counter.js';
import { componentNoise, noiseVariance } from './kinds/component-noise.js';
import { treeShape } from './kinds/layout.js';
import { discreteGaussianUpperTail, discreteLaplaceUpperTail } from './noise/index.js';
import { calibrateWindow } from './window-calibration.js';

/** What the processor would do for the metrics one clip rule covers. */
export interface MetricPlan {
  /** The `--clip` glob, or `*` for the default bounds. */
  pattern: string;
  clip: ClipBounds;
  /** Noise standard deviation of one window's released sum (delta output), in the metric's unit. */
  windowStdDev: number;
  /** Of the cumulative value after one horizon of windows (continual counting), or undefined with delta output. */
  cumulativeStdDev: number | undefined;
  /** Of one released histogram bucket count, for the rule's `--clip-count`. */
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
  /** A new series is released when its noisy distinct-token count reaches this. */
  selectionThreshold: number;
  /** Standard deviation of that count's noise. */
  selectionStdDev: number;
  horizonWindows: number;
  metrics: MetricPlan[];
}

/**
 * The calibration `otel-dp run` would use for these flags, from the same
 * functions the processor calls, with what it means for `tokens` tokens.
 */
export function planPrivacy(config: DpProcessorConfig, tokens: number): PrivacyPlan {
  validateDpProcessorConfig(config);
  if (!Number.isInteger(tokens) || tokens < 1) throw new RangeError(`--tokens is ${tokens}, must be a whole number, at least 1`);
  const calibration = calibrateWindow(config);
  const horizonMillis = config.budgetHorizonMillis ?? DEFAULT_BUDGET_HORIZON_MILLIS;
  const horizonWindows = Math.ceil(horizonMillis / config.windowMillis);
  const levels = treeLevels(horizonMillis, config.windowMillis);
  const selectionStdDev = Math.sqrt(noiseVariance(calibration, calibration.selectionScale));
  const tail = calibration.mechanism === 'gaussian' ? discreteGaussianUpperTail : discreteLaplaceUpperTail;
  // Released when tokens + Z ≥ τ, that is Z ≥ τ − tokens.
  const releaseProbability = tail(calibration.selectionScale, calibration.selectionThreshold - tokens);

  const rules = [...config.clip.map((rule) => ({ pattern: rule.pattern, clip: { lower: rule.lower, upper: rule.upper } })), { pattern: '*', clip: DEFAULT_CLIP }];
  const metrics = rules.map(({ pattern, clip }): MetricPlan => {
    const noise = componentNoise(clip.lower, clip.upper, calibration);
    const clipCount = config.clipCount?.find((rule) => rule.pattern === pattern)?.count ?? DEFAULT_CLIP_COUNT;
    const bucket = componentNoise(0, clipCount, calibration);
    const tree = treeShape(noise, calibration, levels);
    return {
      pattern,
      clip,
      windowStdDev: noise.stdDev,
      cumulativeStdDev: config.outputTemporality === 'cumulative' ? Math.sqrt(tree.totalVariance(horizonWindows)) * noise.grid : undefined,
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
    metrics,
  };
}

/** The plan as a readable table. */
export function formatPlan(plan: PrivacyPlan): string {
  const number = (value: number | undefined) => (value === undefined ? '-' : Number(value.toPrecision(4)).toString());
  const lines = [
    `${plan.mechanism} noise, ε=${plan.epsilon} δ=${plan.delta} per window; ${plan.tokens} tokens per series`,
    `partition selection: a new series is released when its noisy token count (σ ${number(plan.selectionStdDev)}) reaches ${plan.selectionThreshold}`,
    '',
    `| metric | clip | σ per window | σ cumulative after ${plan.horizonWindows} windows | σ per bucket | relative error | P(release) |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const metric of plan.metrics) {
    lines.push(
      `| ${metric.pattern} | ${metric.clip.lower}:${metric.clip.upper} | ${number(metric.windowStdDev)} | ${number(metric.cumulativeStdDev)} | ` +
        `${number(metric.bucketStdDev)} | ${number(metric.relativeError)} | ${number(metric.releaseProbability)} |`,
    );
  }
  return lines.join('\n');
}
