import { NoiseParameterError } from './errors.js';
import { isNoiseMechanismName, noiseMechanism, NOISE_MECHANISM_NAMES, type NoiseMechanismName } from './mechanisms.js';

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
 * @param options.mechanism the count noise, by its configured name (see `mechanisms.ts`).
 * @param options.noiseScale its scale b or σ, in [2^-40, 2^40].
 * @param options.maxPartitionsPerToken k ≥ 1, the most partitions one token can add to.
 * @param options.delta δ in (0, 1); 1 − (1 − δ)^(1/k) must be at least 2^-1000.
 * @returns τ, in counts.
 */
export function selectionThreshold(options: {
  mechanism: NoiseMechanismName;
  noiseScale: number;
  maxPartitionsPerToken: number;
  delta: number;
}): number {
  const { mechanism } = options;
  if (!isNoiseMechanismName(mechanism)) {
    throw new NoiseParameterError(`mechanism is ${String(mechanism)}, must be ${NOISE_MECHANISM_NAMES.map((name) => `'${name}'`).join(' or ')}`);
  }
  return noiseMechanism(mechanism).selectionThreshold(options);
}
