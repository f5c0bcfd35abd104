import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExportMetricsServiceRequest, Metric } from '@otel-dp/otlp';
import { CryptoRandomSource, planPrivacy, simulate, type DpProcessorConfig } from '../../src/index.js';
import { COUNTER_METRIC, ROUTE, counterBurst, releasedRuns } from '../../src/testing.js';
import { MS, point, request } from '../builders.js';
import { counterConfig, schedule } from './counter-workload.js';

const TOKENS = 200;

function unbiasedConfig(overrides: Partial<DpProcessorConfig>): DpProcessorConfig {
  return counterConfig({ counterProjection: 'none', outputTemporality: 'cumulative', exportStdErr: true, ...overrides });
}

/**
 * Whether a mean of `n` squared errors matches the variance `expected`: the
 * ratio's standard error is √(k/n), k = Var(x²)/σ⁴ (2 for a Gaussian, 5 for
 * a Laplace), and 5.3 of them bound a two-sided false alarm at 1e-7. With
 * the sample sizes below that tolerance is under 0.3, far inside the factor
 * of 4 (or 2, for √2) that a wrong noise scale makes of the variance.
 */
function assertVariance(squares: number[], expected: number, kurtosis: number, what: string): void {
  const measured = squares.reduce((sum, square) => sum + square, 0) / squares.length;
  const tolerance = 5.3 * Math.sqrt(kurtosis / squares.length);
  assert.ok(Math.abs(measured / expected - 1) <= tolerance, `${what}: variance ${measured.toFixed(1)}, expected ${expected.toFixed(1)} (±${(100 * tolerance).toFixed(0)}%)`);
}

describe('the uncertainty a release states', () => {
  const WINDOWS = 20;
  const steady = counterBurst({ ...schedule, tokens: TOKENS, value: 10, burstWindows: WINDOWS, idleWindows: 0 });
  const perWindow = TOKENS * 10;

  for (const mechanism of ['gaussian', 'laplace'] as const) {
    for (const undeclaredSeries of ['select', 'drop'] as const) {
      it(`matches plan and the exported standard error (${mechanism}, undeclaredSeries ${undeclaredSeries})`, async () => {
        const config = unbiasedConfig({ mechanism, undeclaredSeries });
        const windowStdDev = planPrivacy(config, TOKENS).metrics[0].windowStdDev;
        const runs = await releasedRuns(steady, config, 200, COUNTER_METRIC, new CryptoRandomSource());
        const kurtosis = mechanism === 'gaussian' ? 2 : 5;
        // Each window's own error, from consecutive running totals: 200 × 20 samples.
        const windowSquares = runs.flatMap((run) => run.totals.map((total, t) => (total - (t === 0 ? 0 : run.totals[t - 1]) - perWindow) ** 2));
        assertVariance(windowSquares, windowStdDev ** 2, kurtosis, 'one window');
        // The running total after 20 windows: 200 samples, against the `.dp.stderr` gauge written beside it.
        const stdErr = runs[0].stdErrs[WINDOWS - 1];
        assert.ok(Math.abs(stdErr - Math.sqrt(WINDOWS) * windowStdDev) <= 1e-9 * stdErr, `stderr ${stdErr} vs √${WINDOWS}·${windowStdDev}`);
        assert.ok(runs.every((run) => run.stdErrs.length === WINDOWS && run.stdErrs[WINDOWS - 1] === stdErr));
        assertVariance(
          runs.map((run) => (run.totals[WINDOWS - 1] - WINDOWS * perWindow) ** 2),
          stdErr ** 2,
          kurtosis,
          'running total',
        );
      });
    }
  }

  it('gives the selection share to values when only declared series are released: √2 less Gaussian noise, half the Laplace noise', () => {
    for (const [mechanism, factor] of [
      ['gaussian', Math.SQRT2],
      ['laplace', 2],
    ] as const) {
      const select = planPrivacy(unbiasedConfig({ mechanism }), TOKENS).metrics[0].windowStdDev;
      const drop = planPrivacy(unbiasedConfig({ mechanism, undeclaredSeries: 'drop' }), TOKENS).metrics[0].windowStdDev;
      // The discrete noise's grid makes the ratio a little off the continuous one.
      assert.ok(select / drop >= factor * 0.98, `${mechanism}: ${select} / ${drop}`);
    }
  });

  it('centres a mean gauge on its clip range: a gauge on 100:200 is as accurate as one on 0:100', async () => {
    const gaugeWindows = 10;
    const gaugeRequests = (name: string, value: number): ExportMetricsServiceRequest[] =>
      Array.from({ length: gaugeWindows }, (_, window) => {
        const time = BigInt(schedule.startMillis + window * schedule.windowMillis + 1) * MS;
        const points = Array.from({ length: TOKENS }, (_, token) => point(value, { 'http.route': ROUTE, 'api.token': `tok-${token}` }, { time }));
        const metric: Metric = { name, description: '', unit: '1', metadata: [], gauge: { dataPoints: points } };
        return request([metric], { 'service.name': 'shop' });
      });
    const squaredErrors = async (range: [number, number], value: number): Promise<{ squares: number[]; stdErrs: number[] }> => {
      // A mean gauge costs two of a token's units (the centred sum and the token count).
      const config = unbiasedConfig({ maxSeriesPerToken: 2, clip: [{ pattern: 'queue.depth', lower: range[0], upper: range[1] }] });
      const squares: number[] = [];
      const stdErrs: number[] = [];
      await simulate(gaugeRequests('queue.depth', value), {
        config,
        runs: 200,
        random: new CryptoRandomSource(),
        endMillis: schedule.startMillis + gaugeWindows * schedule.windowMillis - 1,
        onRelease: ({ request: released }) => {
          for (const metric of released.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))) {
            if (metric.name === 'queue.depth') squares.push((metric.gauge!.dataPoints[0].asDouble! - value) ** 2);
            if (metric.name === 'queue.depth.dp.stderr') stdErrs.push(metric.gauge!.dataPoints[0].asDouble!);
          }
        },
      });
      return { squares, stdErrs };
    };
    // Values at the middle of each range, where clamping to the range cannot help.
    const high = await squaredErrors([100, 200], 150);
    const low = await squaredErrors([0, 100], 50);
    assert.equal(high.squares.length, 200 * gaugeWindows);
    // The stated standard error describes the error (2,000 samples each)…
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance = (stdErrs: number[]) => mean(stdErrs.map((stdErr) => stdErr ** 2));
    assertVariance(high.squares, variance(high.stdErrs), 2, '100:200 against its stderr');
    assertVariance(low.squares, variance(low.stdErrs), 2, '0:100 against its stderr');
    // …and both ranges are 100 wide, so centred they get the same noise; scaled
    // by max(|lo|, |hi|) the first would have twice the error, 4× the variance.
    assertVariance(high.squares, mean(low.squares), 2 * 2, '100:200 against 0:100');
  });
});
