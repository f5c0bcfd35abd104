import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
    // Continual counting over a day of one-minute windows costs more per release than one window, far less than √1440 windows.
    const cumulative = plan.metrics[0].cumulativeStdDev!;
    assert.ok(cumulative > plan.metrics[0].windowStdDev && cumulative < Math.sqrt(1440) * plan.metrics[0].windowStdDev);
    assert.equal(planPrivacy({ ...config, outputTemporality: 'delta' }, 300).metrics[0].cumulativeStdDev, undefined);
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
    assert.throws(() => planPrivacy(config, 0), /--tokens is 0/);
  });
});
