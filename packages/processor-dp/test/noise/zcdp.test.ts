import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deltaForZcdp, epsilonForZcdp, NoiseParameterError, zcdpRhoFor } from '../../src/noise/index.js';

/**
 * δ for ρ-zCDP at ε computed independently of the code under test: the
 * CKS20 (§2.3) expression exp((α−1)(αρ−ε))/(α−1)·(1−1/α)^α minimised
 * over α by a scan of 4 000 points spread over α − 1 ∈ [10^−4, 10^8] (log
 * scale), then golden-section search around the best point. Every α gives a
 * valid δ, so this is an upper bound at most a hair above the infimum.
 */
function independentDelta(rho: number, epsilon: number): number {
  const logDelta = (alpha: number): number =>
    (alpha - 1) * (alpha * rho - epsilon) + alpha * Math.log1p(-1 / alpha) - Math.log(alpha - 1);
  let best = Infinity;
  let bestIndex = 0;
  const points = 4000;
  const at = (i: number): number => 1 + 10 ** (-4 + (12 * i) / points);
  for (let i = 0; i <= points; i++) {
    const value = logDelta(at(i));
    if (value < best) {
      best = value;
      bestIndex = i;
    }
  }
  let low = at(Math.max(0, bestIndex - 1));
  let high = at(Math.min(points, bestIndex + 1));
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 200; i++) {
    const a = high - ratio * (high - low);
    const b = low + ratio * (high - low);
    if (logDelta(a) < logDelta(b)) high = b;
    else low = a;
  }
  return Math.min(1, Math.exp(Math.min(best, logDelta((low + high) / 2))));
}

/** The classical conversion ε = ρ + 2√(ρ ln(1/δ)) solved for ρ. */
function classicalRho(epsilon: number, delta: number): number {
  const log = Math.log(1 / delta);
  return (Math.sqrt(log + epsilon) - Math.sqrt(log)) ** 2;
}

const BUDGETS = [
  { epsilon: 1, delta: 1e-6 },
  { epsilon: 0.1, delta: 1e-9 },
  { epsilon: 3, delta: 1e-5 },
  { epsilon: 10, delta: 1e-12 },
  { epsilon: 0.5, delta: 0.01 },
];

describe('zcdpRhoFor', () => {
  for (const { epsilon, delta } of BUDGETS) {
    test(`is the largest rho that gives (${epsilon}, ${delta})-DP`, () => {
      const rho = zcdpRhoFor({ epsilon, delta });
      assert.ok(independentDelta(rho, epsilon) <= delta, 'the returned rho meets delta');
      assert.ok(independentDelta(rho * 1.01, epsilon) > delta, '1% more rho does not');
      assert.ok(deltaForZcdp({ rho, epsilon }) <= delta);
      assert.ok(rho > classicalRho(epsilon, delta), 'tighter than ε = ρ + 2√(ρ ln(1/δ))');
    });
  }

  test('rho = ε²/2 (pure DP to zCDP) is not a conversion to (ε, δ)', () => {
    assert.ok(independentDelta(0.5, 1) > 1e-6);
    assert.ok(zcdpRhoFor({ epsilon: 1, delta: 1e-6 }) < 0.5 / 10);
  });

  test('grows with epsilon and with delta', () => {
    let previous = 0;
    for (const epsilon of [0.01, 0.1, 0.5, 1, 2, 5, 20]) {
      const rho = zcdpRhoFor({ epsilon, delta: 1e-6 });
      assert.ok(rho > previous, `epsilon ${epsilon}`);
      previous = rho;
    }
    previous = 0;
    for (const delta of [1e-15, 1e-10, 1e-6, 1e-3, 0.1]) {
      const rho = zcdpRhoFor({ epsilon: 1, delta });
      assert.ok(rho > previous, `delta ${delta}`);
      previous = rho;
    }
  });

  test('rejects budgets outside the domain with messages naming them', () => {
    assert.throws(() => zcdpRhoFor({ epsilon: -1, delta: 1e-6 }), /^NoiseParameterError: epsilon is -1, must be positive and finite$/);
    assert.throws(() => zcdpRhoFor({ epsilon: 1, delta: 0 }), /^NoiseParameterError: delta is 0, must be in \(0, 1\)$/);
    assert.throws(() => zcdpRhoFor({ epsilon: 1, delta: 1 }), NoiseParameterError);
    assert.throws(() => zcdpRhoFor({ epsilon: Infinity, delta: 0.1 }), NoiseParameterError);
  });
});

describe('epsilonForZcdp', () => {
  test('falls back to the classical bound where the tight δ cannot be evaluated (a pure ε of 1e9 as zCDP)', () => {
    const rho = 5e17;
    const epsilon = epsilonForZcdp({ rho, delta: 1e-6 });
    const classical = rho + 2 * Math.sqrt(rho * Math.log(1e6));
    assert.ok(Number.isFinite(epsilon) && epsilon >= classical && epsilon <= classical * (1 + 1e-8));
  });

  for (const { epsilon, delta } of BUDGETS) {
    test(`inverts zcdpRhoFor at (${epsilon}, ${delta})`, () => {
      const rho = zcdpRhoFor({ epsilon, delta });
      const back = epsilonForZcdp({ rho, delta });
      assert.ok(back <= epsilon && back > epsilon * (1 - 1e-9), `ε ${epsilon} came back as ${back}`);
      assert.ok(independentDelta(rho, back) <= delta * (1 + 1e-9));
    });
  }

  test('is the smallest epsilon: 1% less does not meet delta', () => {
    for (const rho of [0.001, 0.05, 0.5, 4]) {
      const epsilon = epsilonForZcdp({ rho, delta: 1e-7 });
      assert.ok(independentDelta(rho, epsilon) <= 1e-7);
      assert.ok(independentDelta(rho, epsilon * 0.99) > 1e-7);
    }
  });

  test('grows with rho and shrinks with delta', () => {
    assert.ok(epsilonForZcdp({ rho: 0.1, delta: 1e-6 }) < epsilonForZcdp({ rho: 0.2, delta: 1e-6 }));
    assert.ok(epsilonForZcdp({ rho: 0.1, delta: 1e-6 }) > epsilonForZcdp({ rho: 0.1, delta: 1e-3 }));
  });

  test('rejects rho outside the domain', () => {
    assert.throws(() => epsilonForZcdp({ rho: 0, delta: 1e-6 }), /^NoiseParameterError: rho is 0, must be positive and finite$/);
    assert.throws(() => deltaForZcdp({ rho: -1, epsilon: 1 }), /^NoiseParameterError: rho is -1, must be non-negative and finite$/);
  });
});
