import { bernoulliBigRational } from './bernoulli.js';
import { toBinaryFraction } from './dyadic.js';
import type { RandomSource } from './random-source.js';

/**
 * Width of the certified interval around the float estimate x of the
 * acceptance exponent X, as a multiple of (x + |d|/t + 1).
 *
 * Why it holds (u = 2^−53, S = σ², c = fl(fl(σ²)/t), h = fl(0.5/fl(σ²)),
 * d = fl(y − c), x = fl(fl(d·d)·h), and t ≥ σ so S/t² ≤ 1): c and h carry
 * relative errors ≤ 2.01u; d differs from y − S/t by ≤ 2.02u·S/t + u|d|;
 * expanding (y − S/t)² then gives |x − X| ≤ 6.1u·x + 2.1u·|d|/t + 5u², so
 * |x − X| ≤ 2^−50·(x + |d|/t + 1). (σ ≥ 2^−40 keeps every quantity normal;
 * an underflow of d·d costs at most 2^−995, inside the "+1".) The constant
 * below is 8× that, which also absorbs the roundings of x ± slack itself.
 */
const FILTER_SLACK = 2 ** -47;

/**
 * The acceptance exponent of CKS20 Algorithm 3,
 * X(y) = (y − σ²/t)²/(2σ²) for a proposal of magnitude y, both as a float
 * estimate with a proven error bound and as an exact fraction: with
 * σ = M/2^K, X = (y·t·4^K − M²)² / (2·M²·t²·4^K).
 *
 * {@link bracket} is the hot path: it writes its answer into `low`, `high`
 * and `whole` instead of allocating a result per proposal.
 */
export class GaussianAcceptanceExponent {
  /** After a successful {@link bracket}: low ≤ X ≤ high and ⌊X⌋ = whole. */
  low = 0;
  high = 0;
  whole = 0;
  /** 2·M²·t²·4^K, the denominator of X. */
  readonly denominator: bigint;
  private readonly t: number;
  /** fl(σ²/t) and fl(1/(2σ²)). */
  private readonly center: number;
  private readonly halfPrecision: number;
  private readonly scaledT: bigint;
  private readonly mSquared: bigint;

  /** @param sigma σ in [2^-40, 2^40]; @param t the proposal scale, an integer with t ≥ σ. */
  constructor(sigma: number, t: number) {
    this.t = t;
    const variance = sigma * sigma;
    this.center = variance / t;
    this.halfPrecision = 0.5 / variance;
    const { numerator, shift } = toBinaryFraction(sigma);
    const scale4k = 1n << BigInt(2 * shift);
    const bigT = BigInt(t);
    this.scaledT = bigT * scale4k;
    this.mSquared = numerator * numerator;
    this.denominator = 2n * this.mSquared * bigT * bigT * scale4k;
  }

  /**
   * Encloses X(y) for an integer y ≥ 0. Returns false when the enclosure
   * straddles an integer (then only exact arithmetic can go on).
   */
  bracket(y: number): boolean {
    const d = y - this.center;
    const x = d * d * this.halfPrecision;
    const slack = FILTER_SLACK * (x + Math.abs(d) / this.t + 1);
    this.low = Math.max(0, x - slack);
    this.high = x + slack;
    this.whole = Math.floor(this.low);
    return Math.floor(this.high) === this.whole;
  }

  /** (y·t·4^K − M²)²: X = exactNumerator(y)/denominator. */
  exactNumerator(y: number): bigint {
    const a = BigInt(y) * this.scaledT - this.mSquared;
    return a * a;
  }

  /**
   * Decides U < X(y) − whole exactly, for U uniform in [0, 1) whose first 32
   * bits are `word` (U < f ⟺ U' < f·2^32 − word, U' the rest of U), drawing
   * U' lazily. `whole` must be ⌊X(y)⌋.
   */
  uniformBelowFraction(random: RandomSource, y: number, whole: number, word: number): boolean {
    const fraction = this.exactNumerator(y) - BigInt(whole) * this.denominator;
    if (fraction < 0n || fraction >= this.denominator) {
      throw new Error(`discrete Gaussian: integer part ${whole} certified for ${y} is wrong`);
    }
    return bernoulliBigRational(random, (fraction << 32n) - BigInt(word) * this.denominator, this.denominator);
  }
}
