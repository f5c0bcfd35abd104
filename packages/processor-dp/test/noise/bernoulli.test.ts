import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bernoulliBigRational,
  bernoulliExpMinus,
  bernoulliExpMinusBig,
  bernoulliExpMinusUnit,
  bernoulliRational,
} from '../../src/noise/bernoulli.js';
import { CryptoRandomSource, type RandomSource } from '../../src/noise/index.js';
import { assertZ, frequencyZ, ScriptedRandomSource } from './statistics.js';

/** Successes of `trial` in n runs. */
function successes(n: number, trial: () => boolean): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (trial()) count++;
  return count;
}

describe('exact Bernoulli trials', () => {
  test('bernoulliRational compares the first 32 bits of a uniform with the fraction', () => {
    // 1/3 · 2^32 = 1431655765.33…: words below are true, words above false.
    const third = (words: number[]): boolean => bernoulliRational(new ScriptedRandomSource(words), 1, 3);
    assert.equal(third([0]), true);
    assert.equal(third([1_431_655_764]), true);
    assert.equal(third([1_431_655_766]), false);
    assert.equal(third([2 ** 32 - 1]), false);
    // The word equal to the fraction's first digit leaves 1/3 of the next bits to compare.
    assert.equal(third([1_431_655_765, 0x5555_5554]), true);
    assert.equal(third([1_431_655_765, 0x5555_5556]), false);
    const none = new ScriptedRandomSource([]);
    assert.equal(bernoulliRational(none, 0, 5), false, 'probability 0 draws nothing');
    assert.equal(bernoulliRational(none, 5, 5), true, 'probability 1 draws nothing');
  });

  test('bernoulliRational is exact for a denominator near 2^53', () => {
    // q = 2^53 − 1, p = 2^52 + 7: (p/q)·2^32 = 2^31 + 3.6e-6, so the word 2^31 is
    // undecided by floats. The rest of the fraction is (p·2^32 − 2^31·q)/q =
    // (7·2^32 + 2^31)/q, whose first 32-bit digit is 15360.
    const q = 2 ** 53 - 1;
    const p = 2 ** 52 + 7;
    const decide = (words: number[]): boolean => bernoulliRational(new ScriptedRandomSource(words), p, q);
    assert.equal(decide([2 ** 31 - 1]), true, 'one word below is decided at once');
    assert.equal(decide([2 ** 31, 15_359]), true);
    assert.equal(decide([2 ** 31, 15_361]), false);
    assert.equal(decide([2 ** 31 + 1]), false);
  });

  test('bernoulliBigRational decides on the first differing 32-bit digit', () => {
    // 1/3 = 0.5555…₁₆: every digit is 0x55555555.
    const third = (random: RandomSource): boolean => bernoulliBigRational(random, 1n << 200n, 3n << 200n);
    assert.equal(third(new ScriptedRandomSource([0x5555_5554])), true);
    assert.equal(third(new ScriptedRandomSource([0x5555_5556])), false);
    assert.equal(third(new ScriptedRandomSource([0x5555_5555, 0x5555_5555, 0x5555_5554])), true);
    // 1/2 has one digit, 0x80000000, then nothing: a uniform with that digit is ≥ 1/2.
    assert.equal(bernoulliBigRational(new ScriptedRandomSource([0x8000_0000]), 1n, 2n), false);
    assert.equal(bernoulliBigRational(new ScriptedRandomSource([0x7fff_ffff]), 1n, 2n), true);
  });

  test('trials hit their exact probabilities', () => {
    // Seven frequencies from 200 000 trials each, each within 5.3 standard
    // errors (false alarm 1.2e-7 each, 8.1e-7 for the test). A standard error
    // here is at most 0.0011, so an error of 0.01 in a probability (let alone
    // e^−2x instead of e^−x) is at least 9 standard errors out.
    const random = new CryptoRandomSource();
    const n = 200_000;
    const hugeNumerator = (1n << 120n) + 12345n;
    const hugeDenominator = 3n * (1n << 119n);
    const checks: Array<[string, number, () => boolean]> = [
      ['p = 2^120+12345 / 3·2^119', Number(hugeNumerator) / Number(hugeDenominator), () => bernoulliBigRational(random, hugeNumerator, hugeDenominator)],
      ['e^−0.3', Math.exp(-0.3), () => bernoulliExpMinusUnit(random, 3, 10)],
      ['e^−1', Math.exp(-1), () => bernoulliExpMinusUnit(random, 1, 1)],
      ['e^−(1/2^52·odd)', Math.exp(-(2 ** 52 - 1) / 2 ** 52), () => bernoulliExpMinusUnit(random, 2 ** 52 - 1, 2 ** 52)],
      ['e^−2.25', Math.exp(-2.25), () => bernoulliExpMinus(random, 2, 1, 4)],
      ['e^−big fraction', Math.exp(-Number(hugeNumerator) / Number(hugeDenominator)), () => bernoulliExpMinusBig(random, hugeNumerator, hugeDenominator)],
      ['e^−(7/3)', Math.exp(-7 / 3), () => bernoulliExpMinusBig(random, 7n << 90n, 3n << 90n)],
    ];
    for (const [label, p, trial] of checks) assertZ(frequencyZ(successes(n, trial), n, p), label);
  });
});
