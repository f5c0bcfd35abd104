import { requireNoiseScale } from './discrete-laplace.js';
import { compareDyadic, exactProduct, nextDown, nextUp, toDyadic } from './dyadic.js';
import { requirePositiveFinite } from './errors.js';

/**
 * Noise scales from budgets, and what they cost in accuracy. Scales are
 * rounded up so that the guarantee holds for the exact rational the sampler
 * then uses (a scale rounded down would spend slightly more than ε).
 */

/**
 * Discrete Laplace scale b = Δ1/ε for pure ε-DP, Δ1 the L1 sensitivity of
 * the integer query (CKS20 §2; the geometric mechanism of Ghosh,
 * Roughgarden, Sundararajan 2009): the smallest double with b·ε ≥ Δ1 exactly.
 *
 * @param options.l1Sensitivity Δ1 > 0, in output units.
 * @param options.epsilon ε > 0.
 */
export function laplaceScale(options: { l1Sensitivity: number; epsilon: number }): number {
  const { l1Sensitivity, epsilon } = options;
  requirePositiveFinite('l1Sensitivity', l1Sensitivity);
  requirePositiveFinite('epsilon', epsilon);
  const scale = l1Sensitivity / epsilon;
  // Division rounds to nearest, so one step up is always enough.
  return compareDyadic(exactProduct(scale, epsilon), toDyadic(l1Sensitivity)) < 0 ? nextUp(scale) : scale;
}

/**
 * Discrete Gaussian σ = Δ2/√(2ρ) for ρ-zCDP, Δ2 the L2 sensitivity of the
 * integer query vector (Canonne, Kamath, Steinke 2020, Theorem 14): the
 * smallest double with 2ρσ² ≥ Δ2² exactly.
 *
 * @param options.l2Sensitivity Δ2 > 0, in output units.
 * @param options.rho ρ > 0.
 */
export function gaussianSigma(options: { l2Sensitivity: number; rho: number }): number {
  const { l2Sensitivity, rho } = options;
  requirePositiveFinite('l2Sensitivity', l2Sensitivity);
  requirePositiveFinite('rho', rho);
  const target = exactProduct(l2Sensitivity, l2Sensitivity);
  const enough = (sigma: number): boolean => compareDyadic(exactProduct(2, rho, sigma, sigma), target) >= 0;
  // Two roundings (sqrt, division) put σ within a few ulps of the answer: step to it.
  let sigma = l2Sensitivity / Math.sqrt(2 * rho);
  while (!enough(sigma)) sigma = nextUp(sigma);
  while (enough(nextDown(sigma))) sigma = nextDown(sigma);
  return sigma;
}

/**
 * Exact variance of the discrete Laplace with that scale,
 * 2q/(1 − q)² with q = e^(−1/scale) (about 2·scale² for large scales).
 *
 * @param scale b, in [2^-40, 2^40].
 */
export function discreteLaplaceVariance(scale: number): number {
  requireNoiseScale('scale', scale);
  const oneMinusQ = -Math.expm1(-1 / scale);
  return (2 * Math.exp(-1 / scale)) / (oneMinusQ * oneMinusQ);
}

/**
 * From this σ on, the discrete Gaussian's variance equals σ² to double
 * precision: writing Σ_x e^(−x²/(2σ²)) = √(2π)σ·Σ_k e^(−2π²σ²k²) (Poisson
 * summation) and differentiating in σ², its relative shortfall is about
 * 8π²σ²·e^(−2π²σ²), below 10^−130 at σ = 4.
 */
const GAUSSIAN_VARIANCE_IS_SIGMA_SQUARED = 4;

/** Terms beyond x have weight below e^(−x²/(2σ²)) ≤ e^(−800) relative to the mode: nothing left in double precision. */
const GAUSSIAN_SUM_SIGMAS = 40;

/**
 * Variance of the discrete Gaussian N_Z(0, σ²), at most σ² (Canonne,
 * Kamath, Steinke 2020): Σ x²·w(x) / Σ w(x) with w(x) = e^(−x²/(2σ²)), summed
 * term by term for σ < 4 and equal to σ² to double precision from there on.
 *
 * @param sigma σ, in [2^-40, 2^40].
 */
export function discreteGaussianVariance(sigma: number): number {
  requireNoiseScale('sigma', sigma);
  if (sigma >= GAUSSIAN_VARIANCE_IS_SIGMA_SQUARED) return sigma * sigma;
  const halfPrecision = 0.5 / (sigma * sigma);
  let weights = 0;
  let moments = 0;
  for (let x = Math.ceil(GAUSSIAN_SUM_SIGMAS * sigma); x >= 1; x--) {
    const w = Math.exp(-x * x * halfPrecision);
    weights += w;
    moments += x * x * w;
  }
  return (2 * moments) / (1 + 2 * weights);
}
