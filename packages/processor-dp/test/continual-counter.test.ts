import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ContinualCounter,
  CryptoRandomSource,
  DEFAULT_DP_CONFIG,
  DpProcessor,
  TreeShape,
  discreteGaussianVariance,
  sampleDiscreteGaussian,
  type NoiseMechanismName,
} from '../src/index.js';
import { MetricsSink, noNoise } from '../src/testing.js';
import { manualClock, point, request, sumMetric } from './builders.js';

describe('ContinualCounter', () => {
  it('returns the exact running total without noise, across tree restarts', () => {
    const counter = new ContinualCounter(new TreeShape(4, 1, 1)); // a tree spans 8 windows
    let total = 0;
    for (let t = 1; t <= 100; t++) {
      const value = (t * 7) % 13;
      total += value;
      // Honaker's weights leave float residue of a few ulps; releases round to the grid.
      assert.ok(Math.abs(counter.next(value, noNoise) - total) < 1e-9, `window ${t}`);
    }
  });

  it('has the variance its shape predicts: the popcount sum of level variances', () => {
    const shape = new TreeShape(5, 1, 1);
    // Level variances by Honaker's inverse-variance combination: 1, 2/3, 4/7, 8/15, 16/31.
    assert.deepEqual([...shape.levelVariance].map((v) => Number(v.toFixed(6))), [1, 0.666667, 0.571429, 0.533333, 0.516129]);
    assert.equal(shape.totalVariance(16), shape.levelVariance[4]);
    assert.equal(shape.totalVariance(7), shape.levelVariance[0] + shape.levelVariance[1] + shape.levelVariance[2]);
    assert.equal(shape.totalVariance(16 + 3), shape.levelVariance[4] + shape.levelVariance[0] + shape.levelVariance[1]);
  });

  /**
   * RMSE of the released running total after T windows, at ρ = 0.5 and
   * sensitivity 1 (σ = 1 per window), for a tree sized for 1024 windows
   * (11 levels, node σ = √11). Measured on RUNS independent counters.
   *
   * Tolerance: the sample variance of RUNS = 1000 draws has relative standard
   * error about √(2/RUNS) = 4.5 % (the noise is near-Gaussian); 5.3 standard
   * errors (two-sided false alarm below 1e-7) is ±24 % on the variance,
   * ±12 % on the RMSE. A factor-of-two error in the variance moves the RMSE
   * by 41 %, well outside.
   */
  it('meets its formula and beats the naive running total at T = 1024', () => {
    const runs = 1000;
    const levels = 11;
    const nodeSigma = Math.sqrt(levels);
    const shape = new TreeShape(levels, nodeSigma, discreteGaussianVariance(nodeSigma));
    const random = new CryptoRandomSource();
    const sample = (sigma: number) => sampleDiscreteGaussian(random, sigma);
    const checkpoints = [1, 64, 1024];
    const squared = new Map(checkpoints.map((t) => [t, 0]));
    for (let run = 0; run < runs; run++) {
      const counter = new ContinualCounter(shape);
      for (let t = 1; t <= 1024; t++) {
        const error = counter.next(0, sample);
        if (squared.has(t)) squared.set(t, squared.get(t)! + error * error);
      }
    }
    for (const t of checkpoints) {
      const rmse = Math.sqrt(squared.get(t)! / runs);
      const formula = Math.sqrt(shape.totalVariance(t));
      assert.ok(Math.abs(rmse / formula - 1) < 0.12, `T=${t}: measured RMSE ${rmse.toFixed(3)}, formula ${formula.toFixed(3)}`);
    }
    const naiveAt1024 = Math.sqrt(1024 * discreteGaussianVariance(1));
    const treeAt1024 = Math.sqrt(squared.get(1024)! / runs);
    assert.ok(naiveAt1024 / treeAt1024 >= 5, `naive ${naiveAt1024.toFixed(2)} vs tree ${treeAt1024.toFixed(2)}`);
  });

  it('keeps tree nodes within the samplers\' range when a small ε makes the window scale large', async () => {
    // Laplace at ε = 0.001 and k = 100 is b = 2·10^5 per unit of bound; a 12-level tree multiplies that by 12.
    for (const mechanism of ['laplace', 'gaussian'] as NoiseMechanismName[]) {
      const clock = manualClock(1_700_000_000_010);
      const sink = new MetricsSink();
      const config = { ...DEFAULT_DP_CONFIG, mechanism, epsilon: 0.001, maxSeriesPerToken: 100, publicAttributes: { route: ['/a'], 'service.name': ['api'] } };
      const processor = new DpProcessor(config, sink, { now: clock.now });
      await processor.start();
      const result = await processor.consume(request([sumMetric('requests', [point(1, { route: '/a', 'api.token': 't1' })])]));
      assert.equal(result.rejectedDataPoints, 0);
      await processor.shutdown();
      assert.equal(processor.stats.windowsFailed, 0, mechanism);
      assert.equal(sink.releases.length, 1, mechanism);
      assert.equal(sink.releases[0].summary!.series.length, 1, mechanism);
      assert.ok(Number.isFinite(sink.releases[0].summary!.series[0].noiseStdDev), mechanism);
    }
  });
});
