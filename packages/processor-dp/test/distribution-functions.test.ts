import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  chiSquareCdf,
  chiSquareLowerQuantile,
  chiSquareSurvival,
  chiSquareUpperQuantile,
  leastGaussianSigma,
  logGamma,
  normalCdf,
  normalUpperQuantile,
  regularizedGammaQ,
} from '../src/distribution-functions.js';

// Reference values computed independently with SciPy 1.x (scipy.stats.chi2, norm, gamma).
function assertClose(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${what}: ${actual}, expected ${expected} (±${relative} relative)`);
}

test('logGamma matches factorials and Γ(1/2) = √π', () => {
  assertClose(logGamma(11), Math.log(3628800), 1e-13, 'ln 10!');
  assertClose(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13, 'ln Γ(1/2)');
  assertClose(logGamma(200.5), 860.5822035097824, 1e-12, 'ln Γ(200.5)');
});

test('chi-square CDF and survival match SciPy, including far tails', () => {
  assertClose(chiSquareCdf(3.841458820694124, 1), 0.95, 1e-12, 'χ²(1) at 3.84');
  assertClose(chiSquareSurvival(50, 30), 0.01240206071890054, 1e-10, 'χ²(30) survival at 50');
  assertClose(regularizedGammaQ(1, 3), Math.exp(-3), 1e-13, 'Q(1, 3) = e^-3');
  assert.equal(chiSquareSurvival(Infinity, 5), 0);
  assert.equal(chiSquareCdf(0, 5), 0);
});

test('chi-square quantiles match SciPy at the 5e-7 and 1e-9 tails', () => {
  assertClose(chiSquareUpperQuantile(0.05, 1), 3.841458820694124, 1e-10, 'χ²(1) upper 5%');
  assertClose(chiSquareUpperQuantile(0.001, 10), 29.58829844507442, 1e-10, 'χ²(10) upper 0.1%');
  assertClose(chiSquareLowerQuantile(0.01, 100), 70.06489492539978, 1e-10, 'χ²(100) lower 1%');
  assertClose(chiSquareUpperQuantile(5e-7, 200), 313.534777485651, 1e-9, 'χ²(200) upper 5e-7');
  assertClose(chiSquareLowerQuantile(5e-7, 200), 116.9437737369829, 1e-9, 'χ²(200) lower 5e-7');
  assertClose(chiSquareUpperQuantile(1e-9, 400), 593.5934769093858, 1e-9, 'χ²(400) upper 1e-9');
  assertClose(chiSquareLowerQuantile(1e-9, 400), 252.9365360475472, 1e-9, 'χ²(400) lower 1e-9');
});

test('normalCdf matches SciPy in the body and the tails', () => {
  assertClose(normalCdf(1.96), 0.9750021048517795, 1e-13, 'Φ(1.96)');
  assertClose(normalCdf(-5), 2.866515718791933e-7, 1e-11, 'Φ(-5)');
  assertClose(normalCdf(-8.5), 9.47953482220325e-18, 1e-10, 'Φ(-8.5)');
  assert.equal(normalCdf(0), 0.5);
});

test('normalUpperQuantile inverts the upper tail', () => {
  assertClose(normalUpperQuantile(0.025), 1.9599639845400545, 1e-10, 'z at 2.5%');
  assertClose(normalUpperQuantile(5e-8), 5.326723886384496, 1e-10, 'z at 5e-8');
});

test('leastGaussianSigma solves the Balle–Wang condition (SciPy brentq on the same condition)', () => {
  assertClose(leastGaussianSigma({ epsilon: 1, delta: 1e-6, l2Sensitivity: 1 }), 4.224678889326836, 1e-9, 'ε=1, δ=1e-6');
  assertClose(leastGaussianSigma({ epsilon: 0.5, delta: 1e-5, l2Sensitivity: 1 }), 7.031826675582497, 1e-9, 'ε=0.5, δ=1e-5');
  assertClose(leastGaussianSigma({ epsilon: 4, delta: 1e-9, l2Sensitivity: 3 }), 3 * 1.4878036771034644, 1e-9, 'ε=4, δ=1e-9, Δ=3');
});
