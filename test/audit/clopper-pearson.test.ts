import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  betaQuantile,
  binomialCountBound,
  binomialUpperTail,
  clopperPearson,
  epsilonLowerBound,
  logGamma,
  regularizedIncompleteBeta,
} from './clopper-pearson.js';

function assertClose(actual: number, expected: number, tolerance: number, label: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: ${actual}, expected ${expected} ± ${tolerance}`);
}

/** P[Binomial(n, p) ≥ k] summed term by term in log space: an independent reference. */
function binomialTailBySum(k: number, n: number, p: number): number {
  let total = 0;
  for (let j = Math.max(0, k); j <= n; j++) {
    total += Math.exp(logGamma(n + 1) - logGamma(j + 1) - logGamma(n - j + 1) + j * Math.log(p) + (n - j) * Math.log1p(-p));
  }
  return total;
}

describe('logGamma', () => {
  test('matches factorials and Γ(1/2) = √π', () => {
    assertClose(logGamma(1), 0, 1e-14, 'ln Γ(1)');
    assertClose(logGamma(11), Math.log(3628800), 1e-12, 'ln 10!');
    assertClose(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14, 'ln Γ(1/2)');
    // ln(170!) by summing logarithms.
    let sum = 0;
    for (let i = 2; i <= 170; i++) sum += Math.log(i);
    assertClose(logGamma(171), sum, 1e-10, 'ln 170!');
  });
});

describe('regularizedIncompleteBeta', () => {
  test('matches the closed forms', () => {
    for (const x of [0.01, 0.3, 0.5, 0.77, 0.999]) {
      assertClose(regularizedIncompleteBeta(x, 2.5, 1), x ** 2.5, 1e-13, `I_${x}(2.5, 1)`);
      assertClose(regularizedIncompleteBeta(x, 1, 7), 1 - (1 - x) ** 7, 1e-13, `I_${x}(1, 7)`);
      assertClose(regularizedIncompleteBeta(x, 0.5, 0.5), (2 / Math.PI) * Math.asin(Math.sqrt(x)), 1e-13, `I_${x}(1/2, 1/2)`);
    }
    assertClose(regularizedIncompleteBeta(0.4, 2, 3), 0.5248, 1e-14, 'I_0.4(2, 3)');
    assertClose(regularizedIncompleteBeta(0.5, 1000, 1000), 0.5, 1e-12, 'I_0.5(1000, 1000)');
    assert.equal(regularizedIncompleteBeta(0, 3, 4), 0);
    assert.equal(regularizedIncompleteBeta(1, 3, 4), 1);
  });

  test('is the binomial upper tail, on both sides of the continued fraction switch', () => {
    for (const [k, n, p] of [
      [8, 20, 0.3],
      [1, 50, 0.001],
      [30, 40, 0.9],
      [45, 20_000, 0.001],
      [1100, 5000, 0.2],
    ]) {
      const reference = binomialTailBySum(k, n, p);
      const actual = binomialUpperTail(k, n, p);
      assert.ok(Math.abs(actual - reference) <= 1e-10 * reference + 1e-15, `P[Bin(${n}, ${p}) ≥ ${k}]: ${actual}, expected ${reference}`);
    }
  });

  test('refuses parameters outside its domain', () => {
    assert.throws(() => regularizedIncompleteBeta(0.5, 0, 1), /beta parameters are 0, 1/);
    assert.throws(() => regularizedIncompleteBeta(1.5, 1, 1), /x is 1.5/);
  });
});

describe('betaQuantile', () => {
  test('inverts the incomplete beta', () => {
    for (const [p, a, b] of [
      [0.025, 5, 6],
      [1e-7, 120, 19_881],
      [1 - 1e-7, 4000, 16_001],
      [0.5, 0.5, 0.5],
    ]) {
      const x = betaQuantile(p, a, b);
      assertClose(regularizedIncompleteBeta(x, a, b), p, 1e-12 * Math.max(p, 1e-3), `I at the ${p} quantile of Beta(${a}, ${b})`);
    }
  });
});

describe('clopperPearson', () => {
  test('matches the published interval for 5 of 10 and the closed forms at the ends', () => {
    const half = clopperPearson(5, 10, 0.05);
    assertClose(half.lower, 0.187086028447398, 1e-12, 'lower');
    assertClose(half.upper, 0.812913971552602, 1e-12, 'upper');
    assert.deepEqual(clopperPearson(0, 10, 0.05).lower, 0);
    assertClose(clopperPearson(0, 10, 0.05).upper, 1 - 0.025 ** 0.1, 1e-13, 'upper at 0 hits');
    assertClose(clopperPearson(10, 10, 0.05).lower, 0.025 ** 0.1, 1e-13, 'lower at all hits');
    assert.equal(clopperPearson(10, 10, 0.05).upper, 1);
  });

  test('refuses counts that are not counts', () => {
    assert.throws(() => clopperPearson(11, 10, 0.05), /hits is 11/);
    assert.throws(() => clopperPearson(1, 0, 0.05), /runs is 0/);
    assert.throws(() => clopperPearson(1, 10, 0), /alpha is 0/);
  });
});

describe('epsilonLowerBound', () => {
  test('reproduces the audit table for a correct ε = 1 Laplace count (0 vs 1, S = {out ≥ c}, α = 0.05)', () => {
    // P[Lap(1) ≥ c − 1] and P[Lap(1) ≥ c] at their expected counts, rounded to whole runs; the
    // reference gives two decimals, so agreement within 0.01 covers both roundings.
    const table: [number, number[]][] = [
      [1e4, [0.94, 0.89, 0.8]],
      [1e5, [0.98, 0.96, 0.94]],
    ];
    for (const [runs, expected] of table) {
      expected.forEach((bound, i) => {
        const c = i + 1;
        const counts = { hitsMoreLikely: Math.round((runs * Math.exp(-(c - 1))) / 2), hitsLessLikely: Math.round((runs * Math.exp(-c)) / 2), runs };
        assertClose(epsilonLowerBound(counts, { alpha: 0.05, delta: 0 }), bound, 0.01, `N = ${runs}, c = ${c}`);
      });
    }
  });

  test('subtracts δ and says nothing when the likely side is not above it', () => {
    const counts = { hitsMoreLikely: 400, hitsLessLikely: 100, runs: 1000 };
    assert.ok(epsilonLowerBound(counts, { alpha: 0.01, delta: 0.1 }) < epsilonLowerBound(counts, { alpha: 0.01, delta: 0 }));
    assert.equal(epsilonLowerBound({ hitsMoreLikely: 1, hitsLessLikely: 0, runs: 1000 }, { alpha: 0.01, delta: 0.01 }), -Infinity);
  });
});

describe('binomialCountBound', () => {
  test('is the smallest count a binomial exceeds with probability below α', () => {
    for (const [runs, p] of [
      [20_000, 1e-3],
      [10_000, 5e-4],
      [300, 0.2],
    ]) {
      const bound = binomialCountBound(runs, p, 1e-6);
      assert.ok(binomialTailBySum(bound + 1, runs, p) < 1e-6, `P[Bin(${runs}, ${p}) > ${bound}] < 1e-6`);
      assert.ok(binomialTailBySum(bound, runs, p) >= 1e-6, `P[Bin(${runs}, ${p}) > ${bound - 1}] ≥ 1e-6`);
    }
  });
});
