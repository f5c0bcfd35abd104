import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Metric } from '@otel-dp/otlp';
import { DEFAULT_DP_CONFIG, DpConfigError, calibrateWindow, validateDpProcessorConfig } from '../src/index.js';
import { gaussianSigma, laplaceScale, zcdpRhoFor } from '../src/noise/index.js';
import { kindOf, SERIES_KIND_LIST, seriesKind } from '../src/kinds/registry.js';
import { NOISE_MECHANISM_NAMES, noiseMechanism } from '../src/noise/mechanisms.js';

const base = { name: 'm', description: '', unit: '1', metadata: [] };
/** One metric of each releasable kind, by the kind's name. */
const METRICS: Record<string, Metric> = {
  sum: { ...base, sum: { dataPoints: [], aggregationTemporality: 1, isMonotonic: true } },
  gauge: { ...base, gauge: { dataPoints: [] } },
  histogram: { ...base, histogram: { dataPoints: [], aggregationTemporality: 1 } },
  'exponential-histogram': { ...base, exponentialHistogram: { dataPoints: [], aggregationTemporality: 1 } },
};

describe('the series kind registry', () => {
  it('registers the four kinds under their own names', () => {
    assert.deepEqual(SERIES_KIND_LIST.map((kind) => kind.name), ['sum', 'gauge', 'histogram', 'exponential-histogram']);
    for (const kind of SERIES_KIND_LIST) assert.equal(seriesKind(kind.name), kind);
  });

  it('finds the kind of a metric by the data field it holds, and none for a summary', () => {
    for (const [name, metric] of Object.entries(METRICS)) assert.equal(kindOf(metric)?.name, name);
    assert.equal(kindOf({ ...base, summary: { dataPoints: [] } }), undefined);
    assert.equal(kindOf(base), undefined);
  });

  it('gives each written metric the data field its kind reads back', () => {
    for (const kind of SERIES_KIND_LIST) {
      const metric: Metric = { ...base };
      kind.emptyData(metric, 2, false);
      assert.equal(kindOf(metric), kind, kind.name);
    }
  });
});

describe('the noise mechanism registry', () => {
  it('registers laplace and gaussian under their own names', () => {
    assert.deepEqual(NOISE_MECHANISM_NAMES, ['laplace', 'gaussian']);
    for (const name of NOISE_MECHANISM_NAMES) assert.equal(noiseMechanism(name).name, name);
  });

  it('is what the configuration accepts', () => {
    for (const mechanism of NOISE_MECHANISM_NAMES) validateDpProcessorConfig({ ...DEFAULT_DP_CONFIG, mechanism });
    assert.throws(
      () => validateDpProcessorConfig({ ...DEFAULT_DP_CONFIG, mechanism: 'uniform' as 'laplace' }),
      (error: unknown) => error instanceof DpConfigError && error.message === 'mechanism is uniform, must be laplace or gaussian',
    );
  });

  it('calibrates each window as the mechanism states: Gaussian ρ for (ε, δ/2) split by share, Laplace ε split by share', () => {
    const config = { ...DEFAULT_DP_CONFIG, epsilon: 1, delta: 1e-6, maxSeriesPerToken: 4 };
    const gaussian = calibrateWindow({ ...config, mechanism: 'gaussian' });
    const rho = zcdpRhoFor({ epsilon: 1, delta: 0.5e-6 });
    assert.deepEqual(gaussian.spend, { rho, delta: 0.5e-6 });
    assert.equal(gaussian.noise, noiseMechanism('gaussian'));
    assert.ok(gaussian.valueScalePerUnit > gaussianSigma({ l2Sensitivity: 2, rho }), 'values get only part of ρ');
    const laplace = calibrateWindow({ ...config, mechanism: 'laplace' });
    assert.deepEqual(laplace.spend, { pureEpsilon: 1, delta: 1e-6 });
    assert.ok(laplace.valueScalePerUnit > laplaceScale({ l1Sensitivity: 4, epsilon: 1 }), 'values get only part of ε');
    const valuesOnly = calibrateWindow({ ...config, mechanism: 'laplace', undeclaredSeries: 'drop' });
    assert.deepEqual(valuesOnly.spend, { pureEpsilon: 1, delta: 0 });
    assert.equal(valuesOnly.valueScalePerUnit, laplaceScale({ l1Sensitivity: 4, epsilon: 1 }));
  });
});
