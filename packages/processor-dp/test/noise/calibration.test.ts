import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CodedError } from '@otel-dp/otlp';
import { compareDyadic, exactProduct, nextDown, toDyadic } from '../../src/noise/dyadic.js';
import {
  CryptoRandomSource,
  discreteGaussianVariance,
  discreteLaplaceVariance,
  gaussianSigma,
  laplaceScale,
  NoiseParameterError,
} from '../../src/noise/index.js';
import { discreteGaussianDistribution, discreteLaplaceDistribution, exactMoments } from './statistics.js';

/** A positive double spread log-uniformly over [2^-20, 2^20), from crypto bits. */
function randomPositive(random: CryptoRandomSource): number {
  return (1 + random.uniformInt(2 ** 52) / 2 ** 52) * 2 ** (random.uniformInt(40) - 20);
}

describe('laplaceScale', () => {
  test('is Δ1/ε, exact when the quotient is a double', () => {
    assert.equal(laplaceScale({ l1Sensitivity: 1, epsilon: 1 }), 1);
    assert.equal(laplaceScale({ l1Sensitivity: 10, epsilon: 0.5 }), 20);
    assert.equal(laplaceScale({ l1Sensitivity: 3, epsilon: 0.25 }), 12);
  });

  test('is the smallest double b with b·ε ≥ Δ1 (exact arithmetic)', () => {
    const random = new CryptoRandomSource();
    for (let i = 0; i < 2000; i++) {
      const l1Sensitivity = randomPositive(random);
      const epsilon = randomPositive(random);
      const scale = laplaceScale({ l1Sensitivity, epsilon });
      assert.ok(compareDyadic(exactProduct(scale, epsilon), toDyadic(l1Sensitivity)) >= 0, `${l1Sensitivity}/${epsilon}`);
      assert.ok(compareDyadic(exactProduct(nextDown(scale), epsilon), toDyadic(l1Sensitivity)) < 0, `${l1Sensitivity}/${epsilon} not minimal`);
    }
  });

  test('rejects non-positive inputs with messages naming them', () => {
    assert.throws(() => laplaceScale({ l1Sensitivity: 1, epsilon: -1 }), /^NoiseParameterError: epsilon is -1, must be positive and finite$/);
    assert.throws(() => laplaceScale({ l1Sensitivity: 0, epsilon: 1 }), /^NoiseParameterError: l1Sensitivity is 0, must be positive and finite$/);
    assert.throws(() => laplaceScale({ l1Sensitivity: 1, epsilon: 0 }), (e: unknown) => e instanceof CodedError && e.code === 'DP_NOISE_PARAMETER' && e.name === 'NoiseParameterError');
  });
});

describe('gaussianSigma', () => {
  test('is Δ2/√(2ρ)', () => {
    assert.equal(gaussianSigma({ l2Sensitivity: 1, rho: 0.5 }), 1);
    assert.equal(gaussianSigma({ l2Sensitivity: 4, rho: 2 }), 2);
    assert.ok(Math.abs(gaussianSigma({ l2Sensitivity: 3, rho: 0.1 }) - 3 / Math.sqrt(0.2)) < 1e-14);
  });

  test('is the smallest double σ with 2ρσ² ≥ Δ2² (exact arithmetic)', () => {
    const random = new CryptoRandomSource();
    for (let i = 0; i < 2000; i++) {
      const l2Sensitivity = randomPositive(random);
      const rho = randomPositive(random);
      const sigma = gaussianSigma({ l2Sensitivity, rho });
      const target = exactProduct(l2Sensitivity, l2Sensitivity);
      assert.ok(compareDyadic(exactProduct(2, rho, sigma, sigma), target) >= 0, `${l2Sensitivity}, ${rho}`);
      assert.ok(compareDyadic(exactProduct(2, rho, nextDown(sigma), nextDown(sigma)), target) < 0, `${l2Sensitivity}, ${rho} not minimal`);
    }
  });

  test('rejects non-positive inputs', () => {
    assert.throws(() => gaussianSigma({ l2Sensitivity: 1, rho: 0 }), /^NoiseParameterError: rho is 0, must be positive and finite$/);
    assert.throws(() => gaussianSigma({ l2Sensitivity: Number.NaN, rho: 1 }), NoiseParameterError);
  });
});

describe('noise variances', () => {
  test('the discrete Laplace variance matches the pmf summed term by term', () => {
    for (const scale of [2 ** -3, 0.5, 1, 3, 7.3, 1000]) {
      const summed = exactMoments(discreteLaplaceDistribution(scale)).variance;
      const closed = discreteLaplaceVariance(scale);
      assert.ok(Math.abs(closed - summed) <= 1e-12 * summed + 1e-300, `scale ${scale}: ${closed} vs ${summed}`);
      assert.ok(closed < 2 * scale * scale, 'below the continuous 2b²');
    }
    assert.ok(Math.abs(discreteLaplaceVariance(2 ** 40) / 2 ** 81 - 1) < 1e-12, 'about 2b² for large b');
  });

  test('the discrete Gaussian variance matches the pmf summed term by term and never exceeds σ²', () => {
    for (const sigma of [2 ** -3, 0.3, 0.5, 1, 2, 3.9, 4, 7.3, 50]) {
      const summed = exactMoments(discreteGaussianDistribution(sigma)).variance;
      const variance = discreteGaussianVariance(sigma);
      assert.ok(Math.abs(variance - summed) <= 1e-13 * summed + 1e-300, `sigma ${sigma}: ${variance} vs ${summed}`);
      assert.ok(variance <= sigma * sigma);
    }
    assert.ok(discreteGaussianVariance(0.5) < 0.9 * 0.25, 'well below σ² for small σ');
    assert.equal(discreteGaussianVariance(2 ** 40), 2 ** 80);
  });

  test('reject scales outside the samplers’ range', () => {
    assert.throws(() => discreteLaplaceVariance(0), /^NoiseParameterError: scale is 0, must be positive and finite$/);
    assert.throws(() => discreteGaussianVariance(2 ** 41), /^NoiseParameterError: sigma is 2199023255552, must be within/);
  });
});
