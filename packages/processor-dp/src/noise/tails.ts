import { requireNoiseScale } from './discrete-laplace.js';
import { nextUp } from './dyadic.js';
import { requireInteger } from './errors.js';

/**
 * Tail probabilities P[Z ≥ t] of the two noise distributions, rounded up so
 * that a threshold derived from them never spends more δ than it claims.
 *
 * Every probability below is computed within a relative 2^−33 of the truth
 * (each function says why) whenever the truth is at least 2^−1000; the
 * results are then widened by the factor 1 ± ROUNDING_MARGIN.
 */
const ROUNDING_MARGIN = 2 ** -30;

/**
 * Tails below this are reported as this upper bound. No threshold needs
 * them, and it keeps every estimate a normal double, where the relative
 * error analysis holds.
 */
export const TAIL_FLOOR = 2 ** -1000;

/** Above this σ the ratio sum is bounded analytically instead of summed (it would take about 9σ terms). */
const GAUSSIAN_SUMMATION_LIMIT = 2 ** 12;
/** Summing stops once the geometric bound on the rest is this small relative to the sum. */
const SUM_TOLERANCE = 2 ** -40;
/** Never reached below GAUSSIAN_SUMMATION_LIMIT (the tolerance stops the sum near 9.4σ); the bound on the rest holds wherever it stops. */
const MAX_SUMMED_TERMS = 2 ** 17;

/** A bound guaranteed to hold for the estimate's true value. */
function roundUp(estimate: number): number {
  return Math.max(estimate * (1 + ROUNDING_MARGIN), TAIL_FLOOR);
}

function roundDown(estimate: number): number {
  return estimate < TAIL_FLOOR ? 0 : estimate * (1 - ROUNDING_MARGIN);
}

/** 1 − p rounded up, for a lower bound p: P[Z ≥ t] = 1 − P[Z ≥ 1 − t] by symmetry. */
function complementUp(lowerBound: number): number {
  return Math.min(1, nextUp(1 - lowerBound));
}

/**
 * P[Z ≥ t] for the discrete Laplace of that scale and an integer t, rounded
 * up (never under-estimates). Closed form, with q = e^(−1/scale):
 * q^t/(1 + q) for t ≥ 1 and 1 − q^(1−t)/(1 + q) for t ≤ 0.
 *
 * @param scale b, in [2^-40, 2^40].
 * @param t integer threshold.
 * @returns a probability in [2^-1000, 1].
 */
export function discreteLaplaceUpperTail(scale: number, t: number): number {
  requireNoiseScale('scale', scale);
  requireInteger('t', t, Number.MIN_SAFE_INTEGER);
  return t >= 1 ? roundUp(laplaceTailEstimate(scale, t)) : complementUp(roundDown(laplaceTailEstimate(scale, 1 - t)));
}

/**
 * q^s/(1 + q) for s ≥ 1 as e^(−s/scale − ln(1 + q)). When the result is at
 * least 2^−1000 the exponent is above −694, so its absolute error (a few
 * roundings of numbers below 694) is under 2^−41, and so is the result's
 * relative error.
 */
function laplaceTailEstimate(scale: number, s: number): number {
  return Math.exp(-s / scale - Math.log1p(Math.exp(-1 / scale)));
}

/**
 * P[Z ≥ t] for the discrete Gaussian N_Z(0, σ²) and an integer t, rounded up
 * (never under-estimates). For t ≥ 1 it is w(t)·R/N with w(x) = e^(−x²/(2σ²)),
 * R = Σ_{j≥0} w(t+j)/w(t) and N = Σ_x w(x):
 * - N is summed for σ < 2; from σ = 2 on, N = √(2π)σ·(1 + 2Σ_k e^(−2π²σ²k²))
 *   (Poisson summation) equals √(2π)σ within 10^−33;
 * - R is summed term by term up to σ = 2^12, with a geometric bound on the
 *   terms left out. Above, the trapezoid rule gives R = 1/2 + σ·M(z) ± E with
 *   z = t/σ, M the Mills ratio and |E| ≤ ⅛∫|f''| ≤ (z + 2M(z))/(8σ), a
 *   relative 10^−5 at worst; M itself is bracketed by its power series
 *   (z < 2) or by two consecutive convergents of Laplace's continued fraction.
 * For t ≤ 0 it is 1 − P[Z ≥ 1 − t], with that tail rounded down.
 *
 * @param sigma σ, in [2^-40, 2^40].
 * @param t integer threshold.
 * @returns a probability in [2^-1000, 1].
 */
export function discreteGaussianUpperTail(sigma: number, t: number): number {
  requireNoiseScale('sigma', sigma);
  requireInteger('t', t, Number.MIN_SAFE_INTEGER);
  if (t >= 1) return roundUp(gaussianTailEstimates(sigma, t).upper);
  return complementUp(roundDown(gaussianTailEstimates(sigma, 1 - t).lower));
}

/**
 * Estimates (each within 2^−33 relative of the bound it stands for) of a
 * lower and an upper bound on P[Z ≥ s], s ≥ 1. The terms summed are at most
 * 9.4σ + 1 ≤ 2^16 exponentials of arguments below 60 (the tolerance stops
 * the sum there), each within 200·2^−53, and their sum adds 2^16·2^−53.
 */
function gaussianTailEstimates(sigma: number, s: number): { lower: number; upper: number } {
  const halfPrecision = 0.5 / (sigma * sigma);
  const head = Math.exp(-s * s * halfPrecision) / gaussianNormalizer(sigma, halfPrecision);
  let ratioLower: number;
  let ratioUpper: number;
  if (sigma <= GAUSSIAN_SUMMATION_LIMIT) {
    let sum = 0;
    let rest = 0;
    for (let j = 0; j < MAX_SUMMED_TERMS; j++) {
      const term = j === 0 ? 1 : Math.exp(-(2 * s + j) * j * halfPrecision);
      sum += term;
      // Successive ratios e^(−(2s+2j+1)/(2σ²)) shrink, so the rest is below term·r/(1 − r).
      const exponent = (2 * s + 2 * j + 1) * halfPrecision;
      rest = (term * Math.exp(-exponent)) / -Math.expm1(-exponent);
      if (rest <= SUM_TOLERANCE * sum) break;
    }
    ratioLower = sum;
    ratioUpper = sum + rest;
  } else {
    const z = s / sigma;
    const mills = millsRatioBounds(z);
    const trapezoidError = (z + 2 * mills.upper) / (8 * sigma);
    ratioLower = 0.5 + sigma * mills.lower - trapezoidError;
    ratioUpper = 0.5 + sigma * mills.upper + trapezoidError;
  }
  return { lower: head * ratioLower, upper: head * ratioUpper };
}

/** Σ_x e^(−x²/(2σ²)), summed below σ = 2 (terms past 40σ are below e^−800) and √(2π)σ from there on. */
function gaussianNormalizer(sigma: number, halfPrecision: number): number {
  if (sigma >= 2) return Math.sqrt(2 * Math.PI) * sigma;
  let sum = 0;
  for (let x = Math.ceil(40 * sigma); x >= 1; x--) sum += Math.exp(-x * x * halfPrecision);
  return 1 + 2 * sum;
}

/** Depth of Laplace's continued fraction: from z = 2 on, 200 levels pin M(z) down to a few 2^−53. */
const MILLS_FRACTION_DEPTH = 200;

/**
 * Bounds on the Mills ratio M(z) = e^(z²/2)·∫_z^∞ e^(−x²/2) dx, z ≥ 0,
 * within a relative 2^−30 of each other.
 * - z < 2: M(z) = e^(z²/2)·(√(π/2) − Σ_n (−1)^n z^(2n+1)/(2^n n! (2n+1))); 60
 *   terms leave out less than 10^−60, and the subtraction loses under 5 bits.
 * - z ≥ 2: M(z) = 1/(z + 1/(z + 2/(z + 3/(z + …)))); its convergents lie
 *   alternately above and below M (a continued fraction with positive
 *   terms), so two consecutive ones bracket it.
 */
function millsRatioBounds(z: number): { lower: number; upper: number } {
  if (z < 2) {
    let power = z;
    let series = 0;
    for (let n = 0; n < 60; n++) {
      series += (n % 2 === 0 ? power : -power) / (2 * n + 1);
      power *= (z * z) / (2 * (n + 1));
    }
    const estimate = Math.exp((z * z) / 2) * (Math.sqrt(Math.PI / 2) - series);
    return { lower: estimate * (1 - ROUNDING_MARGIN), upper: estimate * (1 + ROUNDING_MARGIN) };
  }
  const deeper = continuedFractionConvergent(z, MILLS_FRACTION_DEPTH + 1);
  const shallower = continuedFractionConvergent(z, MILLS_FRACTION_DEPTH);
  return {
    lower: Math.min(deeper, shallower) * (1 - ROUNDING_MARGIN),
    upper: Math.max(deeper, shallower) * (1 + ROUNDING_MARGIN),
  };
}

/** 1/(z + 1/(z + 2/(… + depth/z))), evaluated from the inside out (every step adds positive terms, so rounding errors stay a few 2^−53). */
function continuedFractionConvergent(z: number, depth: number): number {
  let denominator = z;
  for (let k = depth; k >= 1; k--) denominator = z + k / denominator;
  return 1 / denominator;
}
