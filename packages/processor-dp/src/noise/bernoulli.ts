import type { RandomSource } from './random-source.js';

/**
 * Exact Bernoulli trials with rational probabilities, the building blocks of
 * the discrete Laplace and Gaussian samplers (Canonne, Kamath, Steinke 2020,
 * "The Discrete Gaussian for Differential Privacy", §5, Algorithm 1).
 * Nothing here rounds: a probability p/q is decided by comparing a uniform
 * integer (or the binary digits of a uniform real) with p.
 */

/** True with probability numerator/denominator; integers with 0 ≤ numerator and 1 ≤ denominator ≤ 2^53. */
export function bernoulliRational(random: RandomSource, numerator: number, denominator: number): boolean {
  if (numerator >= denominator) return true;
  if (numerator <= 0) return false;
  return random.uniformInt(denominator) < numerator;
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
    if (k > 1 && random.uniformInt(k) !== 0) break;
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
    if (k > 1 && random.uniformInt(k) !== 0) break;
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
