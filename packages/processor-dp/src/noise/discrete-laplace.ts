import { bernoulliExpMinus, bernoulliExpMinusUnit } from './bernoulli.js';
import { toBinaryFraction } from './dyadic.js';
import { requirePositiveFinite, requireWithin } from './errors.js';
import type { RandomSource } from './random-source.js';
import { SamplerCache } from './sampler-cache.js';

/**
 * Smallest noise scale (Laplace b or Gaussian σ) the exact samplers take.
 * Below it the noise is 0 with probability above 1 − 2e^−(2^40); the bound
 * keeps every count of the samplers' loops a safe integer.
 */
export const MIN_NOISE_SCALE = 2 ** -40;
/**
 * Largest noise scale (Laplace b or Gaussian σ) the exact samplers take. Up
 * to it a sample is a safe integer except with probability below e^−8192
 * (P[|Z| ≥ 2^53] ≤ e^(−2^53/b) for the discrete Laplace, far less for the
 * Gaussian), and every intermediate of the integer fast path stays below 2^53.
 */
export const MAX_NOISE_SCALE = 2 ** 40;

const PARAMETER_RANGE = '[2^-40, 2^40]';

/** Throws a {@link NoiseParameterError} unless `value` is a scale the samplers take. */
export function requireNoiseScale(name: string, value: number): void {
  requirePositiveFinite(name, value);
  requireWithin(name, value, MIN_NOISE_SCALE, MAX_NOISE_SCALE, PARAMETER_RANGE);
}

/**
 * The discrete Laplace (two-sided geometric) distribution on the integers,
 * P[Z = z] = (1 − q)/(1 + q) · q^|z| with q = e^(−1/scale), sampled exactly.
 *
 * Privacy: adding Z to an integer query whose value one privacy unit moves by
 * at most Δ (L1) gives ε-DP for scale = Δ/ε (Ghosh–Roughgarden–Sundararajan
 * 2009; CKS20). The variance is 2q/(1 − q)², about 2·scale².
 *
 * Sampling (Canonne, Kamath, Steinke 2020, Algorithm 2, with the geometric
 * part split into blocks): the scale is the exact binary fraction it is,
 * p/2^s. The magnitude is a geometric G with P[G = g] ∝ e^(−g/scale), written
 * G = n·V + W with n = ⌊scale⌋ (1 below scale 1): W is uniform on [0, n)
 * accepted with probability e^(−W/scale), V counts successes of trials with
 * probability e^(−n/scale). Every probability is a fraction with denominator
 * p ≤ 2^53 and numerator below it, decided exactly by the trials of
 * `bernoulli.ts` (BigInt only in a case of probability about 2^−31): no
 * logarithm and no rounding reaches the output (Mironov 2012).
 * A sign is drawn and −0 rejected so that 0 is not counted twice.
 */
export class DiscreteLaplace {
  /** The scale b, in output units (integers). */
  readonly scale: number;
  /** n: the magnitude is n·V + W. */
  private readonly block: number;
  /** p in scale = p/2^s. */
  private readonly numerator: number;
  /** 2^s: W/scale = W·2^s/p. */
  private readonly unit: number;
  /** n/scale = blockWhole + blockNumerator/p. */
  private readonly blockWhole: number;
  private readonly blockNumerator: number;

  /** @param scale b, in [2^-40, 2^40]. */
  constructor(scale: number) {
    requireNoiseScale('scale', scale);
    this.scale = scale;
    const { numerator, shift } = toBinaryFraction(scale);
    // A non-integer double has an odd numerator below 2^53; an integer scale is at most 2^40.
    this.numerator = Number(numerator);
    this.unit = 2 ** shift;
    this.block = scale >= 1 ? Math.floor(scale) : 1;
    const blockRatio = BigInt(this.block) << BigInt(shift);
    this.blockWhole = Number(blockRatio / numerator);
    this.blockNumerator = Number(blockRatio % numerator);
  }

  /** One exact sample. */
  sample(random: RandomSource): number {
    for (;;) {
      const magnitude = this.sampleMagnitude(random);
      if ((random.nextUint32() & 1) === 0) return magnitude;
      if (magnitude !== 0) return -magnitude;
    }
  }

  /** G with P[G = g] ∝ e^(−g/scale), g ≥ 0. */
  private sampleMagnitude(random: RandomSource): number {
    let within = 0;
    if (this.block > 1) {
      // within·2^s < n·2^s ≤ p: an exact fraction below 1.
      do {
        within = random.uniformInt(this.block);
      } while (!bernoulliExpMinusUnit(random, within * this.unit, this.numerator));
    }
    let blocks = 0;
    while (bernoulliExpMinus(random, this.blockWhole, this.blockNumerator, this.numerator)) blocks++;
    return blocks * this.block + within;
  }
}

const laplaceSamplers = new SamplerCache((scale) => new DiscreteLaplace(scale));

/**
 * Exact sample of the discrete Laplace distribution on the integers,
 * P(x) ∝ exp(−|x|/scale). CKS20 Alg. 2; see {@link DiscreteLaplace}.
 * The set-up for a scale is cached, so calling this per draw is as fast as
 * holding a sampler.
 *
 * @param scale b (integer output units), in [2^-40, 2^40]; ε-DP for L1 sensitivity Δ when b = Δ/ε.
 * @throws NoiseParameterError when the scale is outside that range.
 */
export function sampleDiscreteLaplace(random: RandomSource, scale: number): number {
  return laplaceSamplers.get(scale).sample(random);
}
