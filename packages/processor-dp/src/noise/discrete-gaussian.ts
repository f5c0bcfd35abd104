import { bernoulliExpMinusBig, bernoulliExpMinusOne, bernoulliRational } from './bernoulli.js';
import { DiscreteLaplace, MAX_NOISE_SCALE, requireNoiseScale } from './discrete-laplace.js';
import { GaussianAcceptanceExponent } from './gaussian-acceptance.js';
import type { RandomSource } from './random-source.js';
import { SamplerCache } from './sampler-cache.js';

const TWO_POW_32 = 2 ** 32;

/**
 * The discrete Gaussian N_Z(0, σ²) on the integers, P[Z = z] ∝ e^(−z²/(2σ²)),
 * sampled exactly.
 *
 * Privacy: adding Z to an integer query vector whose value one privacy unit
 * moves by at most Δ in L2 gives ρ-zCDP for σ = Δ/√(2ρ) (Canonne, Kamath,
 * Steinke 2020, Theorem 14); its variance is at most σ².
 *
 * Sampling (CKS20 Algorithm 3): draw Y from the discrete Laplace of integer
 * scale t = ⌊σ⌋ + 1 and accept it with probability e^(−X),
 * X = (|Y| − σ²/t)²/(2σ²), by Bernoulli trials on X's integer part and
 * fraction. σ is the exact binary fraction it is, so X is a fraction of
 * 100-odd-bit integers. A float estimate of X with a proven error bound
 * (see {@link GaussianAcceptanceExponent}) decides almost every comparison
 * in the trials; a comparison the bound cannot settle (probability about
 * 2^−31) goes on in exact BigInt arithmetic with the random bits already
 * drawn, so the outcome is always the one exact arithmetic gives.
 */
export class DiscreteGaussian {
  /** σ, in output units (integers). */
  readonly sigma: number;
  private readonly proposal: DiscreteLaplace;
  private readonly exponent: GaussianAcceptanceExponent;

  /** @param sigma σ, in [2^-40, 2^40]. */
  constructor(sigma: number) {
    requireNoiseScale('sigma', sigma);
    this.sigma = sigma;
    // Any t > 0 gives the exact distribution; ⌊σ⌋ + 1 keeps the acceptance
    // rate near 0.75. Capping at the largest sampler scale keeps t ≥ σ.
    const t = Math.min(Math.floor(sigma) + 1, MAX_NOISE_SCALE);
    this.proposal = new DiscreteLaplace(t);
    this.exponent = new GaussianAcceptanceExponent(sigma, t);
  }

  /** One exact sample. */
  sample(random: RandomSource): number {
    for (;;) {
      const y = this.proposal.sample(random);
      if (this.accept(random, Math.abs(y))) return y;
    }
  }

  /** True with probability e^(−X(y)). */
  private accept(random: RandomSource, y: number): boolean {
    const exponent = this.exponent;
    if (!exponent.bracket(y)) return bernoulliExpMinusBig(random, exponent.exactNumerator(y), exponent.denominator);
    const whole = exponent.whole;
    for (let i = 0; i < whole; i++) {
      if (!bernoulliExpMinusOne(random)) return false;
    }
    // CKS20 Algorithm 1 on the fraction f = X − whole, known to lie in
    // [fLow, fHigh]/2^32 (both subtractions are exact by Sterbenz's lemma).
    const fLow = (exponent.low - whole) * TWO_POW_32;
    const fHigh = (exponent.high - whole) * TWO_POW_32;
    let k = 1;
    for (;;) {
      if (!bernoulliRational(random, 1, k)) break;
      // U < f with U uniform in [0, 1): its first 32 bits usually settle it.
      const word = random.nextUint32();
      const below = word + 1 <= fLow ? true : word >= fHigh ? false : exponent.uniformBelowFraction(random, y, whole, word);
      if (!below) break;
      k++;
    }
    return k % 2 === 1;
  }
}

const gaussianSamplers = new SamplerCache((sigma) => new DiscreteGaussian(sigma));

/**
 * Exact sample of the discrete Gaussian N_Z(0, σ²), P(x) ∝ exp(−x²/(2σ²)).
 * CKS20 Alg. 3; see {@link DiscreteGaussian}. The set-up for a σ is cached.
 *
 * @param sigma σ (integer output units), in [2^-40, 2^40]; ρ-zCDP for L2 sensitivity Δ when σ = Δ/√(2ρ).
 * @throws NoiseParameterError when σ is outside that range.
 */
export function sampleDiscreteGaussian(random: RandomSource, sigma: number): number {
  return gaussianSamplers.get(sigma).sample(random);
}
