import { requireNoiseScale } from './discrete-laplace.js';
import { NoiseParameterError, requireInteger, requireOpenUnitInterval } from './errors.js';
import { TAIL_FLOOR } from './tails.js';

/** Allowance for the rounding of 1 − (1 − δ)^(1/k), whose relative error is a few 2^−53. */
const ROUNDING_MARGIN = 2 ** -30;

/**
 * The smallest integer τ with 1 − (1 − P[Z ≥ τ − 1])^maxPartitionsPerToken ≤ delta
 * (see `partition-selection.ts`), for count noise Z whose upper tail is
 * `tail`. `guess(logInverse)` starts the search near the answer, given
 * ln(1 / per-partition bound), so that it takes few tail evaluations.
 */
export function thresholdForTail(
  options: { noiseScale: number; maxPartitionsPerToken: number; delta: number },
  tail: (scale: number, t: number) => number,
  guess: (noiseScale: number, logInverse: number) => number,
): number {
  const { noiseScale, maxPartitionsPerToken, delta } = options;
  requireNoiseScale('noiseScale', noiseScale);
  requireInteger('maxPartitionsPerToken', maxPartitionsPerToken, 1);
  requireOpenUnitInterval('delta', delta);
  const perPartition = -Math.expm1(Math.log1p(-delta) / maxPartitionsPerToken) * (1 - ROUNDING_MARGIN);
  if (!(perPartition >= TAIL_FLOOR)) {
    throw new NoiseParameterError(`delta is ${delta}, too small for ${maxPartitionsPerToken} partitions per token (per-partition bound below 2^-1000)`);
  }
  const passes = (s: number): boolean => tail(noiseScale, s) <= perPartition;
  const start = Math.max(1, Math.ceil(guess(noiseScale, Math.log(1 / perPartition))));
  return smallestPassing(passes, start) + 1;
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
