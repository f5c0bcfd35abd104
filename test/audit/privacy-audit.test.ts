import assert from 'node:assert/strict';
import { CryptoRandomSource, DEFAULT_DP_CONFIG, type DpProcessorConfig, type NoiseMechanismName } from '@otel-dp/processor-dp';
import type { EpsilonAuditResult } from './epsilon-audit.js';
import { REQUESTS_CLIP, REQUESTS_METRIC } from './neighbours.js';
import { describeOneWindowAudit } from './one-window-audit.js';

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

/** What every audit run must show whatever its noise: a clean release, X's NaN refused, everything on the grid. */
function assertCleanRuns(result: EpsilonAuditResult): void {
  assert.deepEqual(result.problems, []);
  assert.equal(result.rejectedWith, result.runs, "X's NaN point is refused once per run");
  assert.equal(result.rejectedWithout, 0);
  assert.equal(result.offGridValues, 0, 'every released value is a finite multiple of its grid');
}

describeOneWindowAudit('empirical privacy audit', { label: '', laplace, gaussian, random, assertCleanRuns });
