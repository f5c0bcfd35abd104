import {
  chiSquareCdf,
  chiSquareLowerQuantile,
  chiSquareSurvival,
  chiSquareUpperQuantile,
  normalUpperQuantile,
} from '@otel-dp/processor-dp/testing';

/**
 * Whether noise samples (released − true) have the spread a mechanism with
 * standard deviation σ promises, by an exact chi-square interval:
 *
 * - Gaussian N(0, σ²): S = Σ x²/σ² ~ χ²(n).
 * - Laplace with scale b = σ/√2: |x| ~ Exponential(mean b), so
 *   S = 2·Σ|x|/b ~ χ²(2n). (Σ x² would not do: Laplace's heavy tails make
 *   the sample variance far more spread than χ².)
 *
 * The interval cuts `falseAlarm`/2 from each tail. The discrete samplers on
 * a grid far finer than σ match these laws to well under the tolerances.
 */
export interface SpreadAssessment {
  statistic: number;
  degreesOfFreedom: number;
  lower: number;
  upper: number;
  /** S divided by its expectation: 1 when the spread is as promised. */
  ratio: number;
  /** Chance the interval would still pass if the true σ were twice σ, or half. */
  missWhenDouble: number;
  missWhenHalf: number;
}

export function assessSpread(options: { mechanism: 'gaussian' | 'laplace'; sigma: number; samples: readonly number[]; falseAlarm: number }): SpreadAssessment {
  const { mechanism, sigma, samples, falseAlarm } = options;
  const n = samples.length;
  // S grows like σ² for the Gaussian statistic and like σ for the Laplace one.
  const power = mechanism === 'gaussian' ? 2 : 1;
  let statistic = 0;
  let degreesOfFreedom = n;
  if (mechanism === 'gaussian') {
    for (const x of samples) statistic += (x * x) / (sigma * sigma);
  } else {
    const b = sigma / Math.SQRT2;
    for (const x of samples) statistic += (2 * Math.abs(x)) / b;
    degreesOfFreedom = 2 * n;
  }
  const lower = chiSquareLowerQuantile(falseAlarm / 2, degreesOfFreedom);
  const upper = chiSquareUpperQuantile(falseAlarm / 2, degreesOfFreedom);
  const scale = 2 ** power;
  return {
    statistic,
    degreesOfFreedom,
    lower,
    upper,
    ratio: statistic / degreesOfFreedom,
    missWhenDouble: chiSquareCdf(upper / scale, degreesOfFreedom) - chiSquareCdf(lower / scale, degreesOfFreedom),
    missWhenHalf: chiSquareSurvival(lower * scale, degreesOfFreedom) - chiSquareSurvival(upper * scale, degreesOfFreedom),
  };
}

/**
 * Whether the samples' mean is compatible with zero: |Σx| ≤ z·σ·√n with
 * P(|Z| > z) = falseAlarm. The sum of a few hundred Laplace draws is close
 * enough to normal that far out; pass a falseAlarm with room to spare.
 */
export function assessMean(options: { sigma: number; samples: readonly number[]; falseAlarm: number }): { mean: number; limit: number } {
  const { sigma, samples, falseAlarm } = options;
  const n = samples.length;
  const mean = samples.reduce((sum, x) => sum + x, 0) / n;
  const limit = (normalUpperQuantile(falseAlarm / 2) * sigma) / Math.sqrt(n);
  return { mean, limit };
}
