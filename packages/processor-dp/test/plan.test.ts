import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeHorizon } from '../src/accounting/index.js';
import { DEFAULT_DP_CONFIG, calibrateWindow, componentNoise, formatPlan, planPrivacy } from '../src/index.js';

describe('planPrivacy', () => {
  const config = { ...DEFAULT_DP_CONFIG, clip: [{ pattern: 'http.server.requests', lower: 0, upper: 100 }] };

  it('reports the calibration the processor uses', () => {
    const plan = planPrivacy(config, 300);
    const calibration = calibrateWindow(config);
    assert.equal(plan.selectionThreshold, calibration.selectionThreshold);
    assert.equal(plan.metrics[0].windowStdDev, componentNoise(0, 100, calibration).stdDev);
    assert.equal(plan.metrics[1].pattern, '*');
    assert.equal(plan.metrics[1].windowStdDev, componentNoise(0, 1000, calibration).stdDev);
    // A running total of independent windows: √t times one window's σ, at 1, 10, 100 windows and a day of one-minute windows.
    assert.deepEqual(
      plan.metrics[0].totalStdDev.map((total) => total.windows),
      [1, 10, 100, 1440],
    );
    for (const total of plan.metrics[0].totalStdDev) assert.equal(total.stdDev, Math.sqrt(total.windows) * plan.metrics[0].windowStdDev);
  });

  it('states what a token present in every window of the horizon spends, as the accountant composes it', () => {
    const plan = planPrivacy(config, 300);
    const spend = calibrateWindow(config).spend;
    assert.equal(plan.horizonWindows, 1440);
    assert.deepEqual(plan.horizon, composeHorizon({ zcdpRho: 1440 * spend.rho!, gaussianRho: 1440 * spend.rho!, pureEpsilon: 0, selectionDelta: 1440 * spend.delta, windows: 1440 }, 1e-6));
    // zCDP composition: ρ adds up, so ε grows between √1440 ≈ 38 and 1440 times one window's ε (1 here); at
    // 1440·ρ ≈ 28 the linear term already dominates ρ + 2√(ρ·ln 1/δ), and a day costs about 70.
    assert.ok(plan.horizon.epsilon > 38 && plan.horizon.epsilon < 120, `ε over the horizon ${plan.horizon.epsilon}`);
  });

  it('gives the whole budget to values when no series can need selection', () => {
    const declaredOnly = planPrivacy({ ...config, undeclaredSeries: 'drop' }, 300);
    const selecting = planPrivacy(config, 300);
    assert.equal(declaredOnly.selectionThreshold, Infinity);
    // Half the ρ went to selection, and ρ from the full δ is a little larger still: at least √2 less noise.
    assert.ok(declaredOnly.metrics[0].windowStdDev < selecting.metrics[0].windowStdDev / Math.SQRT2, `${declaredOnly.metrics[0].windowStdDev} vs ${selecting.metrics[0].windowStdDev}`);
    assert.match(formatPlan(declaredOnly), /partition selection: none/);
  });

  it('states the bias of the monotone projection, or none without it', () => {
    assert.deepEqual(planPrivacy(config, 300).projectionBias, [-0.5, 0.45]);
    assert.deepEqual(planPrivacy({ ...config, counterProjection: 'none' }, 300).projectionBias, [0, 0]);
    assert.match(formatPlan(planPrivacy(config, 300)), /-0\.5 σ while traffic flows, up to \+0\.45 σ after a long silence/);
  });

  it('releases a series of one token almost never and of many tokens almost surely', () => {
    assert.ok(planPrivacy(config, 1).metrics[0].releaseProbability < 1e-6);
    assert.ok(planPrivacy(config, 1000).metrics[0].releaseProbability > 0.999999);
    assert.ok(planPrivacy(config, 100).metrics[0].releaseProbability < planPrivacy(config, 120).metrics[0].releaseProbability);
  });

  it('halves the error when epsilon doubles, for Laplace noise', () => {
    const laplace = { ...config, mechanism: 'laplace' as const };
    const ratio = planPrivacy(laplace, 300).metrics[0].windowStdDev / planPrivacy({ ...laplace, epsilon: 2 }, 300).metrics[0].windowStdDev;
    assert.ok(Math.abs(ratio - 2) < 0.01, `ratio ${ratio}`);
  });

  it('formats a table with one row per clip rule and the default', () => {
    const text = formatPlan(planPrivacy(config, 300));
    assert.match(text, /\| http\.server\.requests \| 0:100 \|/);
    assert.match(text, /\| \* \| 0:1000 \|/);
    assert.throws(() => planPrivacy(config, 0), /tokens is 0/);
  });
});
