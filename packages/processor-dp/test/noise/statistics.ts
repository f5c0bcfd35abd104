import assert from 'node:assert/strict';
import { Uint32RandomSource } from '../../src/noise/random-source.js';

/**
 * Two-sided normal quantile for the statistical checks: |z| > 5.3 happens by
 * chance with probability 1.16e-7 (2·Φ(−5.3)). A test makes at most 8 such
 * checks, so by the union bound it fails by chance with probability below
 * 1e-6.
 */
export const Z_TOLERANCE = 5.3;

/** z-score of an observed statistic against its exact expectation. */
export function zScore(observed: number, expected: number, standardError: number): number {
  return (observed - expected) / standardError;
}

export function assertZ(z: number, label: string): void {
  assert.ok(Math.abs(z) <= Z_TOLERANCE, `${label}: z = ${z.toFixed(2)}, beyond ±${Z_TOLERANCE}`);
}

/** z-score of an observed frequency `count/n` against probability p (binomial standard error). */
export function frequencyZ(count: number, n: number, p: number): number {
  return zScore(count / n, p, Math.sqrt((p * (1 - p)) / n));
}

/** An integer distribution given by its probability mass function, summed over [−range, range]. */
export interface IntegerDistribution {
  pmf(z: number): number;
  /** Beyond ±range the mass is negligible: below 1e-17, and below 1e-24 of any tail up to 9 scales out. */
  range: number;
}

export interface ExactMoments {
  variance: number;
  fourthMoment: number;
}

/** E[Z²] and E[Z⁴] of a symmetric distribution by summation (small terms first). */
export function exactMoments(distribution: IntegerDistribution): ExactMoments {
  let variance = 0;
  let fourthMoment = 0;
  for (let z = distribution.range; z >= 1; z--) {
    const p = 2 * distribution.pmf(z);
    variance += z * z * p;
    fourthMoment += z * z * z * z * p;
  }
  return { variance, fourthMoment };
}

/** P[Z ≥ t] by summation. */
export function exactUpperTail(distribution: IntegerDistribution, t: number): number {
  let sum = 0;
  for (let z = distribution.range; z >= t; z--) sum += distribution.pmf(z);
  return sum;
}

/** The discrete Laplace of that scale: (1 − q)/(1 + q)·q^|z|, q = e^(−1/scale). */
export function discreteLaplaceDistribution(scale: number): IntegerDistribution {
  const q = Math.exp(-1 / scale);
  const head = -Math.expm1(-1 / scale) / (1 + q);
  return { pmf: (z) => head * Math.exp(-Math.abs(z) / scale), range: Math.ceil(60 * scale) + 2 };
}

/** N_Z(0, σ²) with its normalizer summed. */
export function discreteGaussianDistribution(sigma: number): IntegerDistribution {
  const range = Math.ceil(14 * sigma) + 20;
  const weight = (z: number): number => Math.exp(-(z * z) / (2 * sigma * sigma));
  let normalizer = 0;
  for (let z = range; z >= 1; z--) normalizer += 2 * weight(z);
  normalizer += 1;
  return { pmf: (z) => weight(z) / normalizer, range };
}

/**
 * The z-scores of a sample against the exact distribution: mean, second
 * moment (mean known to be 0; its standard error from the fourth moment),
 * P[Z = 0], P[Z = 1], P[Z = −1] and the two tails beyond `tail`.
 */
export function sampleZScores(samples: Float64Array, distribution: IntegerDistribution, tail: number): Record<string, number> {
  const n = samples.length;
  const moments = exactMoments(distribution);
  let sum = 0;
  let squares = 0;
  let zeros = 0;
  let ones = 0;
  let minusOnes = 0;
  let upper = 0;
  let lower = 0;
  for (const z of samples) {
    sum += z;
    squares += z * z;
    if (z === 0) zeros++;
    else if (z === 1) ones++;
    else if (z === -1) minusOnes++;
    if (z >= tail) upper++;
    if (z <= -tail) lower++;
  }
  const tailProbability = exactUpperTail(distribution, tail);
  return {
    mean: zScore(sum / n, 0, Math.sqrt(moments.variance / n)),
    variance: zScore(squares / n, moments.variance, Math.sqrt((moments.fourthMoment - moments.variance ** 2) / n)),
    zero: frequencyZ(zeros, n, distribution.pmf(0)),
    one: frequencyZ(ones, n, distribution.pmf(1)),
    minusOne: frequencyZ(minusOnes, n, distribution.pmf(-1)),
    upperTail: frequencyZ(upper, n, tailProbability),
    lowerTail: frequencyZ(lower, n, tailProbability),
  };
}

/**
 * Pearson's χ² of a sample against the exact distribution over bins of
 * consecutive integers, each of probability at least 1/100 (at least 2 000
 * expected in 200 000 draws, where the χ² approximation is excellent), the
 * outer bins running to ±∞.
 */
export function chiSquareStatistic(samples: Float64Array, distribution: IntegerDistribution): { statistic: number; degreesOfFreedom: number } {
  const minimum = 1 / 100;
  // Upper edges (inclusive) of the bins, with their probabilities; the mass
  // beyond ±range is below 1e-15, so the first bin may as well start at −∞.
  const edges: number[] = [];
  const probabilities: number[] = [];
  let accumulated = 0;
  for (let z = -distribution.range; z <= distribution.range; z++) {
    accumulated += distribution.pmf(z);
    if (accumulated >= minimum) {
      edges.push(z);
      probabilities.push(accumulated);
      accumulated = 0;
    }
  }
  // Whatever is left joins the last bin, which then runs to +∞.
  probabilities[probabilities.length - 1] += accumulated;
  edges[edges.length - 1] = Infinity;
  const counts = new Array<number>(edges.length).fill(0);
  for (const z of samples) {
    let low = 0;
    let high = edges.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (z <= edges[mid]) high = mid;
      else low = mid + 1;
    }
    counts[low]++;
  }
  let statistic = 0;
  for (let i = 0; i < counts.length; i++) {
    const expected = samples.length * probabilities[i];
    statistic += (counts[i] - expected) ** 2 / expected;
  }
  return { statistic, degreesOfFreedom: counts.length - 1 };
}

/** Plays back fixed 32-bit words, to drive the rejection and comparison code down chosen paths. */
export class ScriptedRandomSource extends Uint32RandomSource {
  private position = 0;

  constructor(private readonly words: number[]) {
    super();
  }

  protected nextWord(): number {
    if (this.position >= this.words.length) throw new Error(`script of ${this.words.length} words exhausted`);
    return this.words[this.position++];
  }

  get remaining(): number {
    return this.words.length - this.position;
  }
}
