import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  discreteGaussianUpperTail,
  discreteLaplaceUpperTail,
  NoiseParameterError,
  selectionThreshold,
} from '../../src/noise/index.js';
import { discreteGaussianDistribution, discreteLaplaceDistribution, exactUpperTail, type IntegerDistribution } from './statistics.js';

/**
 * Brute-force tails: the pmf summed from far out inwards. Their own rounding
 * error is below 1e-13 relative, far inside the 1e-8 the functions under
 * test may add on top of the true value.
 */
function bruteTail(distribution: IntegerDistribution, t: number): number {
  return t > -distribution.range ? exactUpperTail(distribution, t) : 1;
}

function assertTightUpperBound(bound: number, truth: number, label: string, slack = 1e-8): void {
  assert.ok(bound >= truth, `${label}: ${bound} under-estimates ${truth}`);
  assert.ok(bound <= truth * (1 + slack) + 1e-300, `${label}: ${bound} is loose against ${truth}`);
}

describe('tail probabilities', () => {
  test('the discrete Laplace tail bounds the summed pmf tightly from above', () => {
    for (const scale of [0.5, 3, 7.3, 100]) {
      const distribution = discreteLaplaceDistribution(scale);
      for (const t of [-Math.ceil(5 * scale), -2, -1, 0, 1, 2, 3, Math.ceil(scale), Math.ceil(4 * scale), Math.ceil(20 * scale)]) {
        assertTightUpperBound(discreteLaplaceUpperTail(scale, t), bruteTail(distribution, t), `scale ${scale}, t ${t}`);
      }
    }
  });

  test('the discrete Gaussian tail bounds the summed pmf tightly from above, summed or bounded analytically', () => {
    // 4096 is the largest σ whose ratio sum is summed; 5000 and 20 000 use the
    // trapezoid rule with the bracketed Mills ratio, whose error term (z + 2M)/(8σ)
    // leaves them up to a relative 3e-7 loose at 9σ.
    for (const sigma of [0.3, 1, 1.7, 3, 7.3, 100, 4096, 5000, 20_000]) {
      const distribution = discreteGaussianDistribution(sigma);
      const slack = sigma > 4096 ? 1e-6 : 1e-8;
      for (const t of [-Math.ceil(2 * sigma), -1, 0, 1, 2, Math.ceil(sigma), Math.ceil(3 * sigma), Math.ceil(6 * sigma), Math.ceil(9 * sigma)]) {
        assertTightUpperBound(discreteGaussianUpperTail(sigma, t), bruteTail(distribution, t), `sigma ${sigma}, t ${t}`, slack);
      }
    }
  });

  test('tails far beyond any use are reported as the floor 2^-1000', () => {
    assert.equal(discreteLaplaceUpperTail(1, 5000), 2 ** -1000);
    assert.equal(discreteGaussianUpperTail(1, 100), 2 ** -1000);
    assert.equal(discreteGaussianUpperTail(1, -100), 1);
  });

  test('reject a non-integer threshold', () => {
    assert.throws(() => discreteLaplaceUpperTail(1, 0.5), /^NoiseParameterError: t is 0.5, must be an integer/);
    assert.throws(() => discreteGaussianUpperTail(1, Number.NaN), NoiseParameterError);
  });
});

/** 1 − (1 − P[Z ≥ τ − 1])^k ≤ δ with the brute-force tail. */
function meetsDelta(distribution: IntegerDistribution, threshold: number, k: number, delta: number): boolean {
  return -Math.expm1(k * Math.log1p(-bruteTail(distribution, threshold - 1))) <= delta;
}

describe('selectionThreshold', () => {
  const cases = [
    { mechanism: 'laplace', noiseScale: 1, maxPartitionsPerToken: 1, delta: 1e-6 },
    { mechanism: 'laplace', noiseScale: 7.3, maxPartitionsPerToken: 10, delta: 1e-5 },
    { mechanism: 'laplace', noiseScale: 40, maxPartitionsPerToken: 3, delta: 1e-9 },
    { mechanism: 'gaussian', noiseScale: 0.7, maxPartitionsPerToken: 1, delta: 1e-6 },
    { mechanism: 'gaussian', noiseScale: 3, maxPartitionsPerToken: 10, delta: 1e-6 },
    { mechanism: 'gaussian', noiseScale: 41.5, maxPartitionsPerToken: 100, delta: 1e-8 },
    { mechanism: 'gaussian', noiseScale: 5000, maxPartitionsPerToken: 5, delta: 1e-7 },
  ] as const;
  for (const options of cases) {
    test(`is the smallest threshold meeting delta for ${JSON.stringify(options)}`, () => {
      const distribution = options.mechanism === 'laplace' ? discreteLaplaceDistribution(options.noiseScale) : discreteGaussianDistribution(options.noiseScale);
      const threshold = selectionThreshold(options);
      assert.ok(meetsDelta(distribution, threshold, options.maxPartitionsPerToken, options.delta), `τ = ${threshold} does not meet δ`);
      assert.ok(!meetsDelta(distribution, threshold - 1, options.maxPartitionsPerToken, options.delta), `τ − 1 = ${threshold - 1} meets δ too`);
    });
  }

  test('a delta close to 1 can put the threshold at or below zero', () => {
    const threshold = selectionThreshold({ mechanism: 'laplace', noiseScale: 2, maxPartitionsPerToken: 1, delta: 0.9 });
    const distribution = discreteLaplaceDistribution(2);
    assert.ok(threshold <= 0);
    assert.ok(meetsDelta(distribution, threshold, 1, 0.9) && !meetsDelta(distribution, threshold - 1, 1, 0.9));
  });

  test('rises with the noise scale and the partitions per token, falls with delta', () => {
    for (const mechanism of ['laplace', 'gaussian'] as const) {
      const base = { mechanism, noiseScale: 10, maxPartitionsPerToken: 4, delta: 1e-6 };
      const threshold = selectionThreshold(base);
      assert.ok(selectionThreshold({ ...base, noiseScale: 20 }) > threshold);
      assert.ok(selectionThreshold({ ...base, maxPartitionsPerToken: 40 }) > threshold);
      assert.ok(selectionThreshold({ ...base, delta: 1e-3 }) < threshold);
    }
  });

  test('rejects parameters outside the domain with messages naming them', () => {
    const base = { mechanism: 'laplace', noiseScale: 1, maxPartitionsPerToken: 1, delta: 1e-6 } as const;
    assert.throws(() => selectionThreshold({ ...base, mechanism: 'uniform' as 'laplace' }), /^NoiseParameterError: mechanism is uniform, must be 'laplace' or 'gaussian'$/);
    assert.throws(() => selectionThreshold({ ...base, maxPartitionsPerToken: 0 }), /^NoiseParameterError: maxPartitionsPerToken is 0, must be an integer of at least 1$/);
    assert.throws(() => selectionThreshold({ ...base, delta: 1 }), /^NoiseParameterError: delta is 1, must be in \(0, 1\)$/);
    assert.throws(() => selectionThreshold({ ...base, noiseScale: -2 }), /^NoiseParameterError: noiseScale is -2, must be positive and finite$/);
    assert.throws(() => selectionThreshold({ ...base, delta: 1e-320 }), /^NoiseParameterError: delta is 1e-320, too small/);
  });
});
