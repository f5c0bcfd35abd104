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
  test('bernoulliRational compares one uniform integer with the numerator', () => {
    // 2^32 mod 3 = 1: words up to 2^32 − 2 are kept, word % 3 is the uniform integer.
    const random = new ScriptedRandomSource([0, 1, 2 ** 32 - 1, 3]);
    assert.equal(bernoulliRational(random, 1, 3), true, '0 < 1');
    assert.equal(bernoulliRational(random, 1, 3), false, '1 ≥ 1');
    assert.equal(bernoulliRational(random, 1, 3), true, 'rejected word, then 3 % 3 = 0 < 1');
    assert.equal(random.remaining, 0);
    assert.equal(bernoulliRational(random, 0, 5), false, 'probability 0 draws nothing');
    assert.equal(bernoulliRational(random, 5, 5), true, 'probability 1 draws nothing');
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
