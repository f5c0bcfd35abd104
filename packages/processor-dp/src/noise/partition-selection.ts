import { requireNoiseScale } from './discrete-laplace.js';
import { NoiseParameterError, requireInteger, requireOpenUnitInterval } from './errors.js';
import { discreteGaussianUpperTail, discreteLaplaceUpperTail, TAIL_FLOOR } from './tails.js';

/** Allowance for the rounding of 1 − (1 − δ)^(1/k), whose relative error is a few 2^−53. */
const ROUNDING_MARGIN = 2 ** -30;

/**
 * Partition selection: the smallest integer threshold τ such that a
 * partition whose true distinct-token count is 1 (it exists only because of
 * one token) is released with probability at most δ over all the partitions
 * one token can create:
 *
 *   1 − (1 − P[Z ≥ τ − 1])^maxPartitionsPerToken ≤ delta,
 *
 * Z being the count noise; a partition is released when count + Z ≥ τ. This
 * is OpenDP's thresholded release (δ = 1 − (1 − P[Z > τ − Δ∞])^L0 with
 * Δ∞ = 1) and the δ part of Google's Laplace thresholding. The tail is
 * rounded up and the per-partition bound 1 − (1 − δ)^(1/k) rounded down, so
 * the returned τ always meets the bound; it is the smallest such τ unless
 * the exact tail lies within that rounding (a relative 10^−9, or 10^−5 for
 * a Gaussian σ above 2^12) of the bound.
 *
 * @param options.mechanism the count noise: discrete Laplace or discrete Gaussian.
 * @param options.noiseScale its scale b or σ, in [2^-40, 2^40].
 * @param options.maxPartitionsPerToken k ≥ 1, the most partitions one token can add to.
 * @param options.delta δ in (0, 1); 1 − (1 − δ)^(1/k) must be at least 2^-1000.
 * @returns τ, in counts.
 */
export function selectionThreshold(options: {
  mechanism: 'laplace' | 'gaussian';
  noiseScale: number;
  maxPartitionsPerToken: number;
  delta: number;
}): number {
  const { mechanism, noiseScale, maxPartitionsPerToken, delta } = options;
  if (mechanism !== 'laplace' && mechanism !== 'gaussian') {
    throw new NoiseParameterError(`mechanism is ${String(mechanism)}, must be 'laplace' or 'gaussian'`);
  }
  requireNoiseScale('noiseScale', noiseScale);
  requireInteger('maxPartitionsPerToken', maxPartitionsPerToken, 1);
  requireOpenUnitInterval('delta', delta);
  const perPartition = -Math.expm1(Math.log1p(-delta) / maxPartitionsPerToken) * (1 - ROUNDING_MARGIN);
  if (!(perPartition >= TAIL_FLOOR)) {
    throw new NoiseParameterError(`delta is ${delta}, too small for ${maxPartitionsPerToken} partitions per token (per-partition bound below 2^-1000)`);
  }
  const tail = mechanism === 'laplace' ? discreteLaplaceUpperTail : discreteGaussianUpperTail;
  const passes = (s: number): boolean => tail(noiseScale, s) <= perPartition;
  // Start near the answer (tail ≈ e^(−s/b), or e^(−s²/(2σ²))) so the search takes few tail evaluations.
  const logInverse = Math.log(1 / perPartition);
  const guess = Math.max(1, Math.ceil(mechanism === 'laplace' ? noiseScale * logInverse : noiseScale * Math.sqrt(2 * logInverse)));
  return smallestPassing(passes, guess) + 1;
}

/** The smallest integer s with passes(s), for a predicate that is false below some integer and true from it on. */
function smallestPassing(passes: (s: number) => boolean, guess: number): number {
  let high = guess;
  let step = 1;
  while (!passes(high)) {
    high += step;
    step *= 2;
  }
  let low = high - 1;
  step = 1;
  while (passes(low)) {
    high = low;
    low -= step;
    step *= 2;
  }
  // passes(low) is false, passes(high) is true.
  while (high - low > 1) {
    const mid = low + Math.floor((high - low) / 2);
    if (passes(mid)) high = mid;
    else low = mid;
  }
  return high;
}
