import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  calibrateWindow,
  CryptoRandomSource,
  DEFAULT_DP_CONFIG,
  sampleDiscreteLaplace,
  type DpProcessorConfig,
  type NoiseMechanismName,
} from '@otel-dp/processor-dp';
import { binomialCountBound } from './clopper-pearson.js';
import { auditEpsilon, describeAudit, type EpsilonAuditResult } from './epsilon-audit.js';
import { REQUESTS_CLIP, REQUESTS_METRIC } from './neighbours.js';

/**
 * The empirical privacy audit: neighbouring inputs D and D′ = D + X (see
 * `neighbours.ts`) through the real processor with its real noise, one fresh
 * processor per run, ε bounded from below by Clopper–Pearson (see
 * `epsilon-audit.ts`). The lattice checks are in `lattice.test.ts`, the
 * checks on the randomness source in `randomness.test.ts`.
 *
 * Configuration, chosen so that one token's effect is as visible as the
 * privacy model allows and the audit stays fast:
 * - k = 1: X feeds two series (the shared route and its own), bounding keeps
 *   one at random, so X reaches the shared route in half the runs;
 * - ε = 1 per window, which the processor splits between selection (count
 *   noise b = 2, one token moves the count by 1: ε/2) and values (b = 200,
 *   one token moves the value by at most the clip bound 100: ε/2);
 * - δ = 1e-3, so that releases of X's own route are frequent enough to count;
 * - one window per run, delta output: each run's output is one direct
 *   release. A run costs 0.2 to 0.3 ms of CPU once the code is warm.
 *
 * What a correct processor can show at most: with probability ½ X is kept
 * on the shared route, moving it by ε in all, so the likelihood ratio of any
 * event is at most (e^1 + 1)/2 (plus δ): ε_true ≤ 0.62. With the noise scale
 * halved (sensitivity halved) it is (e^2 + 1)/2: ε_true = 1.43.
 *
 * Runs: 20,000 per side, 40,000 for the broken variant. Measured rates (the
 * values released go through the monotone envelope, so they sit below the
 * raw noisy sum): for the correct processor "released, value ≥ total" has
 * P[· | D] ≈ 0.091 and P[· | D′] ≈ 0.172; for the broken one 0.033 against
 * 0.135, and "≥ total + 0.5·bound" 0.019 against 0.083. At 20,000 runs that
 * leaves the broken ε_lb near 1.11 with a standard deviation near 0.04: a
 * simulation of the five events' binomial counts at those rates missed it
 * (ε_lb ≤ 1) about once in 2,000 audits. At 40,000 runs ε_lb is near 1.2
 * with 0.03, and 20,000 simulated audits missed none (a miss is about 7
 * standard deviations away).
 *
 * False alarms: each ε_lb ≤ ε assertion fails for a correct processor with
 * probability at most 1e-6 (`FAMILY_FALSE_ALARM`), and so does each count
 * bound on X's own route.
 */
const RUNS = 20_000;
const BROKEN_RUNS = 40_000;
/** The Gaussian audit only has to stay below ε (its loss is far from the bound), so it runs fewer. */
const GAUSSIAN_RUNS = 10_000;
/** Event thresholds above the shared route's honest total, in clip bounds: around X's push of one bound. */
const THRESHOLDS = [0, 0.5, 1, 1.5];
/** False-alarm rate of each count bound on X's own route. */
const PRIVATE_ROUTE_FALSE_ALARM = 1e-6;

function auditConfig(mechanism: NoiseMechanismName): DpProcessorConfig {
  return {
    ...DEFAULT_DP_CONFIG,
    mechanism,
    epsilon: 1,
    delta: 1e-3,
    maxSeriesPerToken: 1,
    windowMillis: 1000,
    outputTemporality: 'delta',
    clip: [{ pattern: REQUESTS_METRIC, ...REQUESTS_CLIP }],
  };
}

const random = new CryptoRandomSource();
const laplace = auditConfig('laplace');
const gaussian = auditConfig('gaussian');

/** Each audit runs once, whichever test asks first. */
function once(run: () => Promise<EpsilonAuditResult>): () => Promise<EpsilonAuditResult> {
  let result: Promise<EpsilonAuditResult> | undefined;
  return () => (result ??= run());
}

const realLaplace = once(() => auditEpsilon({ config: laplace, runs: RUNS, random, thresholds: THRESHOLDS }));
const brokenLaplace = once(() =>
  auditEpsilon({ config: laplace, runs: BROKEN_RUNS, random, thresholds: THRESHOLDS, noiseSampler: (scale) => sampleDiscreteLaplace(random, scale / 2) }),
);
const realGaussian = once(() => auditEpsilon({ config: gaussian, runs: GAUSSIAN_RUNS, random, thresholds: THRESHOLDS }));

/** What every audit run must show whatever its noise: a clean release, X's NaN refused, everything on the grid. */
function assertCleanRuns(result: EpsilonAuditResult): void {
  assert.deepEqual(result.problems, []);
  assert.equal(result.rejectedWith, result.runs, "X's NaN point is refused once per run");
  assert.equal(result.rejectedWithout, 0);
  assert.equal(result.offGridValues, 0, 'every released value is a finite multiple of its grid');
}

describe('empirical privacy audit', () => {
  test('Laplace, ε = 1: the Clopper–Pearson lower bound stays at or below ε', async (t) => {
    const result = await realLaplace();
    for (const line of describeAudit('Laplace', result)) t.diagnostic(line);
    assertCleanRuns(result);
    assert.ok(result.epsilonLowerBound <= laplace.epsilon, `ε_lb = ${result.epsilonLowerBound} > ε = ${laplace.epsilon}`);
    // X does move the output (ε_true ≈ 0.62, ε_lb ≈ 0.42): a bound at 0 would mean the audit saw
    // nothing, e.g. X never reaching the shared route. The expected counts of the events are more
    // than 20 standard deviations from that.
    assert.ok(result.epsilonLowerBound > 0, `ε_lb = ${result.epsilonLowerBound}: X's effect is not visible`);
  });

  test('Laplace with the noise scale halved (sensitivity halved) is caught by the same audit', async (t) => {
    const result = await brokenLaplace();
    for (const line of describeAudit('Laplace, broken', result)) t.diagnostic(line);
    assertCleanRuns(result);
    assert.ok(result.epsilonLowerBound > laplace.epsilon, `ε_lb = ${result.epsilonLowerBound}, not above ε = ${laplace.epsilon}`);
  });

  test('Gaussian, (ε, δ) = (1, 1e-3): the lower bound stays at or below ε', async (t) => {
    const result = await realGaussian();
    for (const line of describeAudit('Gaussian', result)) t.diagnostic(line);
    assertCleanRuns(result);
    assert.ok(result.epsilonLowerBound <= gaussian.epsilon, `ε_lb = ${result.epsilonLowerBound} > ε = ${gaussian.epsilon}`);
  });

  test("X's own route is released in at most about δ of the runs", async (t) => {
    for (const [config, result] of [
      [laplace, await realLaplace()],
      [gaussian, await realGaussian()],
    ] as const) {
      // The selection's share of δ: all of it for Laplace, half for Gaussian (the other half pays the zCDP conversion).
      const selectionDelta = calibrateWindow(config).spend.delta;
      // A count above this happens with probability below 1e-6 when the true rate is at most δ.
      const bound = binomialCountBound(result.runs, selectionDelta, PRIVATE_ROUTE_FALSE_ALARM);
      t.diagnostic(`${config.mechanism}: X's own route released in ${result.privateRouteReleases} of ${result.runs} runs (bound ${bound} for δ = ${selectionDelta})`);
      assert.ok(result.privateRouteReleases <= bound, `${config.mechanism}: ${result.privateRouteReleases} releases, more than ${bound}`);
    }
  });
});
