/**
 * Statistics of the multi-window audit: how far apart the laws of a statistic
 * are under two neighbouring inputs, in standard deviations of its law under
 * the input without the token, with a one-sided lower confidence bound.
 *
 * Why that number (Hammersley–Chapman–Robbins): for any statistic s of a
 * release and any two inputs D, D′,
 *   (E_D′ s − E_D s)² ≤ Var_D(s) · χ²(P_D′ ‖ P_D),
 * and a ρ-zCDP release has χ² = e^{D₂} − 1 ≤ e^{2ρ} − 1. So no statistic, of
 * any form, separates the two laws by more than √(e^{2ρ} − 1) standard
 * deviations: a lower confidence bound above that proves the release costs
 * more than ρ.
 */

/** The largest separation a ρ-zCDP release allows any statistic: √(e^{2ρ} − 1). */
export function separationBound(rho: number): number {
  return Math.sqrt(Math.expm1(2 * rho));
}

/**
 * One-sided standard normal quantile for the false-alarm rate of one
 * separation bound: Φ(−5.2) = 1.0e-7. Each audit bounds three statistics, so
 * under the normal approximation below its family false-alarm rate is at most
 * 3e-7; the factor of three below 1e-6 is room for the approximation's error
 * in the far tail (the statistics are sums of many bounded or Gaussian terms,
 * averaged over thousands of runs, so their skewness is of order 1/√runs).
 */
export const SEPARATION_Z = 5.2;

/** What is known of one statistic's separation. */
export interface Separation {
  /** (mean under D′ − mean under D) / sd under D, from the samples. */
  estimate: number;
  /** Its standard error (delta method, below). */
  standardError: number;
  /** estimate − z·standardError: below the true separation with probability about 1 − Φ(−z). */
  lowerBound: number;
}

/**
 * Separation of one statistic from independent samples under D (`without`)
 * and D′ (`with`). With means ā, ā′, sd s, s′ and kurtosis κ under D, the
 * delta method gives
 *   Var(d̂) ≈ s′²/(s²·m′) + 1/m + d̂²·(κ − 1)/(4m),
 * the last term being the sampling error of s (for a normal statistic κ = 3
 * and it is d̂²/(2m)). The sample kurtosis is used, so heavy tails widen the
 * bound instead of breaking it.
 */
export function separation(without: Float64Array, withToken: Float64Array, z: number = SEPARATION_Z): Separation {
  if (without.length < 10 || withToken.length < 10) throw new RangeError(`separation needs at least 10 samples a side, got ${without.length} and ${withToken.length}`);
  const d = moments(without);
  const dPrime = moments(withToken);
  if (!(d.variance > 0)) throw new RangeError('the statistic does not vary under D: its separation is undefined');
  const sd = Math.sqrt(d.variance);
  const estimate = (dPrime.mean - d.mean) / sd;
  const m = without.length;
  const variance = dPrime.variance / (d.variance * withToken.length) + 1 / m + (estimate * estimate * (d.kurtosis - 1)) / (4 * m);
  const standardError = Math.sqrt(variance);
  return { estimate, standardError, lowerBound: estimate - z * standardError };
}

interface Moments {
  mean: number;
  /** Unbiased sample variance. */
  variance: number;
  /** m₄ / m₂² (3 for a normal law). */
  kurtosis: number;
}

function moments(values: Float64Array): Moments {
  let mean = 0;
  for (const value of values) mean += value;
  mean /= values.length;
  let m2 = 0;
  let m4 = 0;
  for (const value of values) {
    const square = (value - mean) ** 2;
    m2 += square;
    m4 += square * square;
  }
  const n = values.length;
  return { mean, variance: m2 / (n - 1), kurtosis: m2 > 0 ? (m4 / n) / (m2 / n) ** 2 : 3 };
}

/** Samples of a p-dimensional feature vector: row i is features.subarray(i·p, (i + 1)·p). */
export interface FeatureRows {
  dimension: number;
  rows: number;
  features: Float64Array;
}

/**
 * Ridge added to the pooled covariance, relative to its mean diagonal. With
 * p features and a few hundred training runs a side the sample covariance is
 * noisy in its small eigenvalues; this keeps the fitted weights from chasing
 * them. Any weights give a valid statistic (they are fixed before the test
 * half is looked at); the ridge only trades a little power for stability.
 */
const RIDGE = 0.01;

/**
 * The best linear statistic between D and D′, fitted on training samples:
 * w = (Σ + λ·I)⁻¹ Δ, with Δ the difference of the sample means (D′ − D), Σ
 * the pooled sample covariance and λ = RIDGE · tr(Σ)/p. For Gaussian laws
 * with a common covariance, wᵀx is the log-likelihood ratio up to a constant,
 * the most separating statistic of all.
 */
export function fitLinearStatistic(without: FeatureRows, withToken: FeatureRows): Float64Array {
  const p = without.dimension;
  if (withToken.dimension !== p) throw new RangeError(`feature dimensions differ: ${p} and ${withToken.dimension}`);
  if (without.rows + withToken.rows - 2 <= p) throw new RangeError(`${without.rows + withToken.rows} training rows cannot fit ${p} features`);
  const meanWithout = columnMeans(without);
  const meanWith = columnMeans(withToken);
  const covariance = new Float64Array(p * p);
  addScatter(without, meanWithout, covariance);
  addScatter(withToken, meanWith, covariance);
  const dof = without.rows + withToken.rows - 2;
  let trace = 0;
  for (let i = 0; i < p; i++) trace += covariance[i * p + i] / dof;
  const ridge = (RIDGE * trace) / p;
  for (let i = 0; i < p * p; i++) covariance[i] /= dof;
  for (let i = 0; i < p; i++) covariance[i * p + i] += ridge;
  const difference = new Float64Array(p);
  for (let j = 0; j < p; j++) difference[j] = meanWith[j] - meanWithout[j];
  return solveSymmetricPositive(covariance, difference, p);
}

/** The statistic wᵀx for every row. */
export function applyLinearStatistic(weights: Float64Array, samples: FeatureRows): Float64Array {
  const p = samples.dimension;
  const out = new Float64Array(samples.rows);
  for (let i = 0; i < samples.rows; i++) {
    let total = 0;
    for (let j = 0; j < p; j++) total += weights[j] * samples.features[i * p + j];
    out[i] = total;
  }
  return out;
}

function columnMeans(samples: FeatureRows): Float64Array {
  const { dimension: p, rows, features } = samples;
  const means = new Float64Array(p);
  for (let i = 0; i < rows; i++) for (let j = 0; j < p; j++) means[j] += features[i * p + j];
  for (let j = 0; j < p; j++) means[j] /= rows;
  return means;
}

/** covariance += Σ_rows (x − mean)(x − mean)ᵀ. */
function addScatter(samples: FeatureRows, means: Float64Array, covariance: Float64Array): void {
  const { dimension: p, rows, features } = samples;
  const centred = new Float64Array(p);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < p; j++) centred[j] = features[i * p + j] - means[j];
    for (let a = 0; a < p; a++) {
      const left = centred[a];
      for (let b = 0; b < p; b++) covariance[a * p + b] += left * centred[b];
    }
  }
}

/** Solves A·x = b for a symmetric positive definite p×p matrix A (row-major) by Cholesky; A is not modified. */
export function solveSymmetricPositive(matrix: Float64Array, right: Float64Array, p: number): Float64Array {
  const lower = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let total = matrix[i * p + j];
      for (let k = 0; k < j; k++) total -= lower[i * p + k] * lower[j * p + k];
      if (i === j) {
        if (!(total > 0)) throw new RangeError('the covariance is not positive definite');
        lower[i * p + i] = Math.sqrt(total);
      } else {
        lower[i * p + j] = total / lower[j * p + j];
      }
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let total = right[i];
    for (let k = 0; k < i; k++) total -= lower[i * p + k] * y[k];
    y[i] = total / lower[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let total = y[i];
    for (let k = i + 1; k < p; k++) total -= lower[k * p + i] * x[k];
    x[i] = total / lower[i * p + i];
  }
  return x;
}
