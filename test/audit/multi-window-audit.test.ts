import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CryptoRandomSource,
  sampleDiscreteGaussian,
  sampleDiscreteLaplace,
  type NoiseMechanismName,
  type NoiseSampler,
  type OutputTemporality,
  type UndeclaredSeriesPolicy,
} from '@otel-dp/processor-dp';
import { auditMultiWindow, describeMultiWindowAudit, type MultiWindowAuditResult } from './multi-window-audit.js';
import { multiWindowConfig } from './multi-window-inputs.js';

/**
 * The multi-window audit: one token X present in every one of n windows of
 * the budget horizon, against the same stream without it, through the real
 * processor with its real noise (see `multi-window-inputs.ts` for the
 * streams, `separation.ts` for the bound). Each run's whole output over the
 * n windows is one sample, so the audit sees whatever the windows share:
 * if the cumulative output added noise that is correlated across windows
 * while the accountant booked independent windows, statistics of the running
 * total would separate D from D′ beyond what the booked ρ allows.
 *
 * What is asserted:
 * - correct noise: the largest lower confidence bound of three statistics
 *   stays at or below √(e^{2ρ} − 1) for the ρ the accountant booked for
 *   values, in every temporality, for both mechanisms; and X is visible
 *   (the lower bound of the fixed statistic is above 0), or the audit
 *   would prove nothing;
 * - noise √2 too small: the same audit shows a separation above the bound.
 *
 * False alarms. Each correct audit compares three lower bounds at
 * z = 5.2 (family rate below 3e-7, see `separation.ts`). The broken audits
 * must rise above the bound: with R runs a side the fixed statistic's
 * separation 2√ρ = 0.949 has standard error about √((2 + 2ρ)/R) = 0.0196 at
 * R = 6,400, so its lower bound comes out near 0.949 − 5.2·0.0196 = 0.847,
 * 4.7 standard errors above the bound 0.754: a miss has probability below
 * 1e-6. Those runs use 8 windows, where a run costs an eighth of one of 64.
 *
 * The same audit on the earlier binary-tree cumulative output (64 windows,
 * Gaussian, 400 runs) found a lower bound of 2.36 against a bound of 0.754.
 */
const random = new CryptoRandomSource();
const WINDOWS = 64;
const RUNS = 400;
const BROKEN_WINDOWS = 8;
const BROKEN_RUNS = 6400;

function tooSmallBySqrt2(mechanism: NoiseMechanismName): NoiseSampler {
  return mechanism === 'gaussian'
    ? (scale) => sampleDiscreteGaussian(random, scale / Math.SQRT2)
    : (scale) => sampleDiscreteLaplace(random, scale / Math.SQRT2);
}

interface Case {
  mechanism: NoiseMechanismName;
  temporality: OutputTemporality;
  undeclaredSeries?: UndeclaredSeriesPolicy;
}

async function audit(
  { mechanism, temporality, undeclaredSeries }: Case,
  windows: number,
  runs: number,
  noiseSampler?: NoiseSampler,
): Promise<MultiWindowAuditResult> {
  const config = multiWindowConfig(mechanism, temporality, windows, undeclaredSeries);
  const result = await auditMultiWindow({ config, windows, runs, random, noiseSampler });
  assert.deepEqual(result.problems, []);
  assert.equal(result.missingValues, 0, 'a public series is released in every window');
  // The processor reports the budget the accountant composes, the same in every run.
  assert.deepEqual(result.reportedSpends, [result.booking.status.spentEpsilon]);
  return result;
}

function label({ mechanism, temporality, undeclaredSeries }: Case, windows: number): string {
  return `${mechanism}, ${temporality}${undeclaredSeries === 'drop' ? ', undeclared dropped' : ''}, ${windows} windows`;
}

describe('multi-window audit: a token in every window costs what the accountant books', () => {
  const cases: Case[] = [
    { mechanism: 'gaussian', temporality: 'delta' },
    { mechanism: 'gaussian', temporality: 'cumulative' },
    { mechanism: 'laplace', temporality: 'delta' },
    { mechanism: 'laplace', temporality: 'cumulative' },
    { mechanism: 'gaussian', temporality: 'cumulative', undeclaredSeries: 'drop' },
  ];
  for (const auditCase of cases) {
    test(`${label(auditCase, WINDOWS)}: no statistic separates beyond the booked ρ`, async (t) => {
      const result = await audit(auditCase, WINDOWS, RUNS);
      for (const line of describeMultiWindowAudit(label(auditCase, WINDOWS), result)) t.diagnostic(line);
      assert.ok(result.lowerBound <= result.bound, `lower bound ${result.lowerBound} above √(e^{2ρ} − 1) = ${result.bound}`);
      // Σ u_t for Gaussian, the clamped sum for Laplace: each mechanism's likelihood-ratio statistic.
      const fixed = result.statistics[auditCase.mechanism === 'gaussian' ? 0 : 1];
      assert.ok(fixed.separation.lowerBound > 0, `${fixed.name}: X is not visible (${fixed.separation.estimate})`);
    });
  }

  for (const mechanism of ['gaussian', 'laplace'] as const) {
    const auditCase: Case = { mechanism, temporality: 'delta' };
    test(`${label(auditCase, BROKEN_WINDOWS)}, noise √2 too small: the audit sees more than the booked ρ`, async (t) => {
      const result = await audit(auditCase, BROKEN_WINDOWS, BROKEN_RUNS, tooSmallBySqrt2(mechanism));
      for (const line of describeMultiWindowAudit(`${label(auditCase, BROKEN_WINDOWS)}, broken`, result)) t.diagnostic(line);
      assert.ok(result.lowerBound > result.bound, `lower bound ${result.lowerBound} not above √(e^{2ρ} − 1) = ${result.bound}`);
    });
  }
});
