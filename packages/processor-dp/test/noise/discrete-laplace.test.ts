import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CryptoRandomSource,
  DiscreteLaplace,
  MAX_NOISE_SCALE,
  MIN_NOISE_SCALE,
  NoiseParameterError,
  sampleDiscreteLaplace,
} from '../../src/noise/index.js';
import {
  assertZ,
  chiSquareStatistic,
  discreteLaplaceDistribution,
  exactMoments,
  sampleZScores,
  Z_TOLERANCE,
} from './statistics.js';
import { chiSquareUpperQuantile } from '../../src/distribution-functions.js';

/** Samples per check: 200 000 draws take well under a second at any scale. */
const N = 200_000;

function draw(scale: number, n = N): Float64Array {
  const random = new CryptoRandomSource();
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) samples[i] = sampleDiscreteLaplace(random, scale);
  return samples;
}

describe('sampleDiscreteLaplace', () => {
  // Per scale: 7 z-scores (mean, E[Z²], P[0], P[1], P[−1], both tails beyond
  // about 2·scale) within ±5.3, so at most 8.1e-7 false alarms per test.
  //
  // A factor of two in the scale is far outside: E[Z²] ≈ 2b² becomes 8b²
  // while its standard error is √((E[Z⁴] − E[Z²]²)/n) ≈ 2b²·√(5/n) = 0.005·2b²
  // (E[Z⁴] ≈ 24b⁴ for large b; at b = 0.5 the ratio is larger still), a shift
  // of about 600 standard errors; the last test runs that check on a sampler
  // given twice the scale.
  for (const scale of [0.5, 3, 7.3, 1000]) {
    test(`matches the exact distribution at scale ${scale}`, () => {
      const samples = draw(scale);
      const z = sampleZScores(samples, discreteLaplaceDistribution(scale), Math.max(2, Math.round(2 * scale)));
      for (const [label, value] of Object.entries(z)) assertZ(value, `scale ${scale}, ${label}`);
    });
  }

  for (const scale of [3, 7.3, 1000]) {
    test(`passes a chi-square goodness-of-fit test at scale ${scale}`, () => {
      // Bins of probability ≥ 1/100; the critical value is the χ² quantile at
      // p = 1e-6 for the bins' degrees of freedom, so 1e-6 is the false-alarm
      // rate. A scale off by a factor of two moves several bins' mass by a
      // third or more: thousands of counts against a standard deviation of
      // about √2000 ≈ 45 per bin.
      const { statistic, degreesOfFreedom } = chiSquareStatistic(draw(scale), discreteLaplaceDistribution(scale));
      const critical = chiSquareUpperQuantile(1e-6, degreesOfFreedom);
      assert.ok(degreesOfFreedom >= 20, `only ${degreesOfFreedom} degrees of freedom`);
      assert.ok(statistic < critical, `χ² = ${statistic.toFixed(1)} ≥ ${critical.toFixed(1)} (df ${degreesOfFreedom})`);
    });
  }

  test('a sampler at twice the scale fails the variance check', () => {
    const scale = 3;
    const exact = exactMoments(discreteLaplaceDistribution(scale));
    const samples = draw(2 * scale, 50_000);
    let squares = 0;
    for (const z of samples) squares += z * z;
    const standardError = Math.sqrt((exact.fourthMoment - exact.variance ** 2) / samples.length);
    assert.ok((squares / samples.length - exact.variance) / standardError > 10 * Z_TOLERANCE);
  });

  test('returns safe integers and never −0', () => {
    const random = new CryptoRandomSource();
    for (const scale of [0.3, 1, 2 ** 20 + 0.5, MAX_NOISE_SCALE]) {
      for (let i = 0; i < 2000; i++) {
        const z = sampleDiscreteLaplace(random, scale);
        assert.ok(Number.isSafeInteger(z) && !Object.is(z, -0), `scale ${scale} gave ${z}`);
      }
    }
  });

  test('at the smallest scale the noise is 0 (anything else has probability below 2e^−(2^40))', () => {
    const laplace = new DiscreteLaplace(MIN_NOISE_SCALE);
    const random = new CryptoRandomSource();
    for (let i = 0; i < 1000; i++) assert.equal(laplace.sample(random), 0);
  });

  test('at the largest scale the median magnitude is about b·ln 2', () => {
    // P[|Z| ≥ m] ≈ e^(−m/b)·2/(1+q) ≈ e^(−m/b), so half of the magnitudes lie below b·ln 2.
    const samples = draw(MAX_NOISE_SCALE, 20_000);
    let below = 0;
    for (const z of samples) if (Math.abs(z) < MAX_NOISE_SCALE * Math.LN2) below++;
    assertZ((below / samples.length - 0.5) / Math.sqrt(0.25 / samples.length), 'median');
  });

  test('rejects scales outside [2^-40, 2^40] with a message naming the scale', () => {
    const random = new CryptoRandomSource();
    for (const [scale, pattern] of [
      [-1, /^scale is -1, must be positive and finite$/],
      [0, /^scale is 0, must be positive and finite$/],
      [Number.NaN, /^scale is NaN, must be positive and finite$/],
      [Infinity, /^scale is Infinity, must be positive and finite$/],
      [2 ** 41, /^scale is 2199023255552, must be within \[2\^-40, 2\^40\]$/],
      [2 ** -41, /must be within \[2\^-40, 2\^40\]$/],
    ] as const) {
      assert.throws(() => sampleDiscreteLaplace(random, scale), (error: unknown) => {
        assert.ok(error instanceof NoiseParameterError);
        assert.equal(error.code, 'DP_NOISE_PARAMETER');
        assert.match(error.message, pattern);
        return true;
      });
    }
  });
});
