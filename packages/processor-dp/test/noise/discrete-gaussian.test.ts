import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toDyadic } from '../../src/noise/dyadic.js';
import { GaussianAcceptanceExponent } from '../../src/noise/gaussian-acceptance.js';
import {
  CryptoRandomSource,
  DiscreteGaussian,
  MAX_NOISE_SCALE,
  MIN_NOISE_SCALE,
  NoiseParameterError,
  sampleDiscreteGaussian,
} from '../../src/noise/index.js';
import {
  assertZ,
  chiSquareStatistic,
  discreteGaussianDistribution,
  exactMoments,
  sampleZScores,
  ScriptedRandomSource,
  Z_TOLERANCE,
} from './statistics.js';
import { chiSquareUpperQuantile } from '../../src/distribution-functions.js';

/** Samples per check: 200 000 draws take under a second at any σ. */
const N = 200_000;

function draw(sigma: number, n = N): Float64Array {
  const random = new CryptoRandomSource();
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) samples[i] = sampleDiscreteGaussian(random, sigma);
  return samples;
}

/** Sign of x − numerator/denominator, exactly (x a double ≥ 0). */
function compareWithFraction(x: number, numerator: bigint, denominator: bigint): number {
  const { mantissa, exponent } = toDyadic(x);
  const left = exponent >= 0 ? (mantissa << BigInt(exponent)) * denominator : mantissa * denominator;
  const right = exponent >= 0 ? numerator : numerator << BigInt(-exponent);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A double in [2^-40, 2^40), log-uniform, from crypto bits. */
function randomSigma(random: CryptoRandomSource): number {
  const mantissa = 1 + random.uniformInt(2 ** 52) / 2 ** 52;
  return Math.min(mantissa * 2 ** (random.uniformInt(80) - 40), MAX_NOISE_SCALE);
}

describe('sampleDiscreteGaussian', () => {
  // Per σ: 7 z-scores within ±5.3, so at most 8.1e-7 false alarms per test.
  //
  // A factor of two in σ is far outside: E[Z²] ≈ σ² becomes 4σ² while its
  // standard error is √((E[Z⁴] − σ⁴)/n) ≈ σ²·√(2/n) = 0.0032σ², a shift of
  // about 950 standard errors; the last statistical test runs that check on a
  // sampler given twice the σ.
  for (const sigma of [0.5, 3, 7.3, 1000]) {
    test(`matches the exact distribution at sigma ${sigma}`, () => {
      const samples = draw(sigma);
      const z = sampleZScores(samples, discreteGaussianDistribution(sigma), Math.max(1, Math.round(2 * sigma)));
      for (const [label, value] of Object.entries(z)) assertZ(value, `sigma ${sigma}, ${label}`);
    });
  }

  for (const sigma of [3, 7.3, 1000]) {
    test(`passes a chi-square goodness-of-fit test at sigma ${sigma}`, () => {
      // Bins of probability ≥ 1/100; critical value: the χ² quantile at
      // p = 1e-6 for the bins' degrees of freedom, the false-alarm rate.
      const { statistic, degreesOfFreedom } = chiSquareStatistic(draw(sigma), discreteGaussianDistribution(sigma));
      const critical = chiSquareUpperQuantile(1e-6, degreesOfFreedom);
      assert.ok(degreesOfFreedom >= 10, `only ${degreesOfFreedom} degrees of freedom`);
      assert.ok(statistic < critical, `χ² = ${statistic.toFixed(1)} ≥ ${critical.toFixed(1)} (df ${degreesOfFreedom})`);
    });
  }

  test('a sampler at twice the sigma fails the variance check', () => {
    const sigma = 7.3;
    const exact = exactMoments(discreteGaussianDistribution(sigma));
    const samples = draw(2 * sigma, 50_000);
    let squares = 0;
    for (const z of samples) squares += z * z;
    const standardError = Math.sqrt((exact.fourthMoment - exact.variance ** 2) / samples.length);
    assert.ok((squares / samples.length - exact.variance) / standardError > 10 * Z_TOLERANCE);
  });

  test('returns safe integers and never −0, up to the largest sigma', () => {
    const random = new CryptoRandomSource();
    for (const sigma of [MIN_NOISE_SCALE, 0.1, 1, 2 ** 30 + 0.25, MAX_NOISE_SCALE]) {
      const gaussian = new DiscreteGaussian(sigma);
      for (let i = 0; i < 2000; i++) {
        const z = gaussian.sample(random);
        assert.ok(Number.isSafeInteger(z) && !Object.is(z, -0), `sigma ${sigma} gave ${z}`);
      }
    }
  });

  test('at the largest sigma about 68% of samples lie within one sigma', () => {
    // P[|Z| < σ] = 0.6827 for the continuous normal and, at this σ, for the discrete one.
    const samples = draw(MAX_NOISE_SCALE, 20_000);
    let within = 0;
    for (const z of samples) if (Math.abs(z) < MAX_NOISE_SCALE) within++;
    const p = 0.682689492137;
    assertZ((within / samples.length - p) / Math.sqrt((p * (1 - p)) / samples.length), 'one sigma');
  });

  test('rejects sigmas outside [2^-40, 2^40]', () => {
    const random = new CryptoRandomSource();
    assert.throws(() => sampleDiscreteGaussian(random, -1), /^NoiseParameterError: sigma is -1, must be positive and finite$/);
    assert.throws(() => sampleDiscreteGaussian(random, 2 ** 41), NoiseParameterError);
    assert.throws(() => new DiscreteGaussian(0), NoiseParameterError);
  });
});

describe('GaussianAcceptanceExponent', () => {
  test('the certified float interval always contains the exact exponent', () => {
    // 400 random σ across the whole range, each at magnitudes around the
    // centre σ²/t (where X is near 0) and out in the tails.
    const random = new CryptoRandomSource();
    let certified = 0;
    let total = 0;
    for (let i = 0; i < 400; i++) {
      const sigma = randomSigma(random);
      const t = Math.min(Math.floor(sigma) + 1, MAX_NOISE_SCALE);
      const exponent = new GaussianAcceptanceExponent(sigma, t);
      const center = Math.floor((sigma * sigma) / t);
      const magnitudes = new Set([0, 1, center, center + 1, center + 2]);
      for (let k = 1; k <= 12; k++) magnitudes.add(Math.floor(center + k * sigma)).add(Math.max(0, Math.floor(center - k * sigma)));
      for (const y of magnitudes) {
        const numerator = exponent.exactNumerator(y);
        const ok = exponent.bracket(y);
        assert.ok(compareWithFraction(exponent.low, numerator, exponent.denominator) <= 0, `low above X for sigma ${sigma}, y ${y}`);
        assert.ok(compareWithFraction(exponent.high, numerator, exponent.denominator) >= 0, `high below X for sigma ${sigma}, y ${y}`);
        // Below σ ≈ 2^-10 every y ≥ 1 has X > 2^19 and the exact path is the right one.
        if (sigma >= 2 ** -10) total++;
        if (ok) {
          if (sigma >= 2 ** -10) certified++;
          assert.equal(BigInt(exponent.whole), numerator / exponent.denominator, `integer part for sigma ${sigma}, y ${y}`);
        }
      }
    }
    assert.ok(total > 1000 && certified / total > 0.99, `only ${certified} of ${total} exponents certified`);
  });

  test('an undecided first word is settled exactly by the following digits', () => {
    const sigma = 7.3;
    const exponent = new GaussianAcceptanceExponent(sigma, 8);
    const y = 10;
    assert.ok(exponent.bracket(y));
    const whole = exponent.whole;
    const fraction = exponent.exactNumerator(y) - BigInt(whole) * exponent.denominator;
    const digit = (shift: bigint): number => Number(((fraction << shift) / exponent.denominator) & 0xffff_ffffn);
    const [first, second] = [digit(32n), digit(64n)];
    const decide = (words: number[], word = first): boolean => exponent.uniformBelowFraction(new ScriptedRandomSource(words), y, whole, word);
    assert.equal(decide([second - 1]), true);
    assert.equal(decide([second + 1]), false);
    assert.equal(decide([second, digit(96n) - 1]), true);
    assert.equal(decide([], first - 1), true, 'a smaller first word is below without further draws');
    assert.equal(decide([], first + 1), false, 'a larger first word is above without further draws');
    assert.throws(() => exponent.uniformBelowFraction(new ScriptedRandomSource([0]), y, whole + 1, first), /integer part/);
  });
});
