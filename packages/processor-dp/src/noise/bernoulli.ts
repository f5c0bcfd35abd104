import type { RandomSource } from './random-source.js';

/**
 * Exact Bernoulli trials with rational probabilities, the building blocks of
 * the discrete Laplace and Gaussian samplers (Canonne, Kamath, Steinke 2020,
 * "The Discrete Gaussian for Differential Privacy", Algorithm 1). Nothing
 * here rounds: a trial with probability p/q compares the binary digits of a
 * uniform real U ∈ [0, 1) with those of p/q, and floats only ever decide a
 * comparison their proven error bound settles.
 */

const TWO_POW_32 = 2 ** 32;
/**
 * fl(p/q)·2^32 is within 2^32·2^−53 = 2^−21 of (p/q)·2^32 (one correctly
 * rounded division of p < q). Twice that, and the ±2^−20 below still leaves
 * room for the half-ulp (≤ 2^−22) rounding of the comparison bounds.
 */
const QUOTIENT_SLACK = 2 ** -20;

/**
 * True with probability numerator/denominator; integers with 0 ≤ numerator
 * and 1 ≤ denominator ≤ 2^53. U uniform in [0, 1) is compared with the
 * fraction: its first 32 bits settle it unless they equal the fraction's to
 * within the float error (probability about 2^−31), and then the exact
 * comparison goes on in BigInt with the same bits. One word, no division by
 * an integer, whatever the denominator.
 */
export function bernoulliRational(random: RandomSource, numerator: number, denominator: number): boolean {
  if (numerator >= denominator) return true;
  if (numerator <= 0) return false;
  const scaled = (numerator / denominator) * TWO_POW_32;
  const word = random.nextUint32();
  if (word + 1 <= scaled - QUOTIENT_SLACK) return true;
  if (word >= scaled + QUOTIENT_SLACK) return false;
  // U < p/q ⟺ U' < (p·2^32 − word·q)/q, U' the bits of U after the first 32.
  const q = BigInt(denominator);
  return bernoulliBigRational(random, (BigInt(numerator) << 32n) - BigInt(word) * q, q);
}

/**
 * True with probability exp(−x), x = numerator/denominator ∈ [0, 1], integers
 * with denominator ≤ 2^53. CKS20 Algorithm 1: with K the first k ≥ 1 at which
 * Bernoulli(x/k) fails, P[K odd] = e^−x. Bernoulli(x/k) is drawn as
 * Bernoulli(1/k) ∧ Bernoulli(x), so no intermediate k·denominator is formed.
 */
export function bernoulliExpMinusUnit(random: RandomSource, numerator: number, denominator: number): boolean {
  let k = 1;
  for (;;) {
    if (!bernoulliRational(random, 1, k)) break;
    if (!bernoulliRational(random, numerator, denominator)) break;
    k++;
  }
  return k % 2 === 1;
}

/** True with probability exactly e^−1. */
export function bernoulliExpMinusOne(random: RandomSource): boolean {
  return bernoulliExpMinusUnit(random, 1, 1);
}

/**
 * True with probability exp(−(whole + numerator/denominator)), numerator <
 * denominator ≤ 2^53: e^−x = (e^−1)^⌊x⌋ · e^−frac(x), one trial per factor,
 * stopping at the first failure.
 */
export function bernoulliExpMinus(random: RandomSource, whole: number, numerator: number, denominator: number): boolean {
  for (let i = 0; i < whole; i++) {
    if (!bernoulliExpMinusOne(random)) return false;
  }
  return bernoulliExpMinusUnit(random, numerator, denominator);
}

/**
 * True with probability numerator/denominator for bigints 0 ≤ numerator ≤
 * denominator. Compares a uniform real U ∈ [0, 1) with the fraction one
 * 32-bit digit at a time and stops at the first digit that differs, so a
 * trial costs about 32 random bits whatever the size of the denominator.
 */
export function bernoulliBigRational(random: RandomSource, numerator: bigint, denominator: bigint): boolean {
  if (numerator >= denominator) return true;
  if (numerator <= 0n) return false;
  let rest = numerator;
  for (;;) {
    rest <<= 32n;
    const digit = rest / denominator;
    rest -= digit * denominator;
    const word = random.nextUint32();
    const fractionDigit = Number(digit);
    if (word !== fractionDigit) return word < fractionDigit;
    // Equal digits and nothing left of the fraction: U ≥ numerator/denominator.
    if (rest === 0n) return false;
  }
}

/** As {@link bernoulliExpMinusUnit} for a bigint fraction numerator/denominator ∈ [0, 1]. */
export function bernoulliExpMinusUnitBig(random: RandomSource, numerator: bigint, denominator: bigint): boolean {
  let k = 1;
  for (;;) {
    if (!bernoulliRational(random, 1, k)) break;
    if (!bernoulliBigRational(random, numerator, denominator)) break;
    k++;
  }
  return k % 2 === 1;
}

/** True with probability exp(−numerator/denominator) for bigints numerator ≥ 0, denominator ≥ 1. */
export function bernoulliExpMinusBig(random: RandomSource, numerator: bigint, denominator: bigint): boolean {
  const whole = numerator / denominator;
  for (let i = 0n; i < whole; i++) {
    if (!bernoulliExpMinusOne(random)) return false;
  }
  return bernoulliExpMinusUnitBig(random, numerator - whole * denominator, denominator);
}
