import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { DEFAULT_DP_CONFIG, type DpProcessorConfig } from '@otel-dp/processor-dp';
import { assessMean, assessSpread } from '../support/noise-spread.js';
import { OtlpBackend } from '../support/otlp-backend.js';
import { releasedPoints } from '../support/released-values.js';
import { reportedNoiseStdDev } from '../support/reported-noise.js';
import { makeTokens, REQUESTS_METRIC, ROUTE_ATTRIBUTE, SdkApp, TOKEN_ATTRIBUTE } from '../support/sdk-app.js';
import { SidecarProcess } from '../support/sidecar-process.js';
import { leastGaussianSigma, normalCdf } from '@otel-dp/processor-dp/testing';

/**
 * At ε = 1 the released values must scatter around the truth exactly as much
 * as the configured σ says: not less (the privacy claim would be false), not
 * more (the data would be needlessly bad).
 *
 * Workload: 60 routes, 100 tokens each, every token adding the clip bound C
 * once per round; 6 rounds, each exported after the previous one's export
 * returned and in a later 1 s window, so each lands in a window of its own;
 * delta output. That gives 360 samples of (released − true) per mechanism
 * (Laplace needs about 250 for its interval to exclude a factor-of-two
 * error). k = 1, so a round adds 100·C = 1000 to every route, over 15 σ for
 * Gaussian and 50 b for Laplace: every route passes partition selection.
 * `--counter-projection none` exports each window's release as it is, so
 * what is measured is the mechanism's noise alone (the monotone envelope's
 * bias is measured in `drift.test.ts`).
 *
 * Which window a round landed in is read off the release itself: a window's
 * round count is its mean over the 60 routes divided by 1000, rounded. The
 * mean's noise is σ/√60 < 9, so the count is wrong only past 55 standard
 * deviations; and the counts must add up to the rounds sent.
 *
 * σ is what the processor reports for these flags (the noiseStdDev of its
 * window summary, which the debug exporter prints), and it is checked
 * against the least noise (ε, δ)-DP allows: Balle–Wang's analytic Gaussian
 * bound with Δ2 = √k·C, and b ≥ k·C/ε for Laplace (DESIGN.md, Per window,
 * step 7).
 */
const WINDOW_MILLIS = 1000;
/** Rounds are exported this far into a window, leaving the rest of it for the export to arrive. */
const SEND_OFFSET_MILLIS = 100;
const ROUTE_COUNT = 60;
const TOKENS_PER_ROUTE = 100;
const ROUNDS = 6;
const CLIP_UPPER = 10;
const EPSILON = 1;
const DELTA = 1e-6;
const MAX_SERIES_PER_TOKEN = 1;
/** Chance that a correct sidecar fails the spread interval (two-sided), and the mean check. */
const SPREAD_FALSE_ALARM = 5e-7;
const MEAN_FALSE_ALARM = 1e-7;

function processorConfig(mechanism: 'gaussian' | 'laplace'): DpProcessorConfig {
  return {
    ...DEFAULT_DP_CONFIG,
    windowMillis: WINDOW_MILLIS,
    epsilon: EPSILON,
    delta: DELTA,
    mechanism,
    maxSeriesPerToken: MAX_SERIES_PER_TOKEN,
    clip: [{ pattern: REQUESTS_METRIC, lower: 0, upper: CLIP_UPPER }],
    outputTemporality: 'delta',
    counterProjection: 'none',
  };
}

/** Sleeps until SEND_OFFSET_MILLIS into the earliest window after `afterWindow` still ahead of that point. */
async function waitForWindowAfter(afterWindow: number): Promise<void> {
  const now = Date.now();
  const current = Math.floor(now / WINDOW_MILLIS);
  const usable = current > afterWindow && now - current * WINDOW_MILLIS <= SEND_OFFSET_MILLIS;
  const window = usable ? current : Math.max(current, afterWindow) + 1;
  await sleep(window * WINDOW_MILLIS + SEND_OFFSET_MILLIS - now);
}

describe('noise spread at ε = 1 matches the configured σ', { concurrency: true }, () => {
  for (const mechanism of ['gaussian', 'laplace'] as const) {
    test(mechanism, { timeout: 60_000 }, async (t) => {
      const config = processorConfig(mechanism);
      const sigma = await reportedNoiseStdDev(config, REQUESTS_METRIC, CLIP_UPPER);
      const truthPerRound = TOKENS_PER_ROUTE * CLIP_UPPER;

      const sensitivity = MAX_SERIES_PER_TOKEN * CLIP_UPPER;
      if (mechanism === 'gaussian') {
        const floor = leastGaussianSigma({ epsilon: EPSILON, delta: DELTA, l2Sensitivity: Math.sqrt(MAX_SERIES_PER_TOKEN) * CLIP_UPPER });
        assert.ok(sigma >= floor, `σ ${sigma} is below ${floor}, the least any Gaussian mechanism needs for (${EPSILON}, ${DELTA})-DP`);
        assert.ok(ROUTE_COUNT * ROUNDS * normalCdf(-truthPerRound / sigma) < 1e-6, 'the truth is too close to 0 for σ: clamping would bias the samples');
      } else {
        const b = sigma / Math.SQRT2;
        assert.ok(b >= sensitivity / EPSILON, `Laplace scale ${b} is below k·C/ε = ${sensitivity / EPSILON}`);
        assert.ok(ROUTE_COUNT * ROUNDS * 0.5 * Math.exp(-truthPerRound / b) < 1e-6, 'the truth is too close to 0 for b: clamping would bias the samples');
      }

      const backend = await OtlpBackend.start();
      t.after(() => backend.close());
      const sidecar = await SidecarProcess.start([
        '--window', `${WINDOW_MILLIS}ms`,
        '--epsilon', String(EPSILON),
        '--delta', String(DELTA),
        '--mechanism', mechanism,
        '--max-series-per-token', String(MAX_SERIES_PER_TOKEN),
        '--clip', `${REQUESTS_METRIC}=0:${CLIP_UPPER}`,
        '--output-temporality', 'delta',
        '--counter-projection', 'none',
        '--otlp-endpoint', backend.endpoint('http/protobuf'),
        '--otlp-protocol', 'http/protobuf',
      ]);
      t.after(() => sidecar.kill());

      const app = new SdkApp({ protocol: 'http/protobuf', url: sidecar.httpMetricsUrl, temporality: 'delta', maxSeriesPerInstrument: 10_000 });
      const routes = Array.from({ length: ROUTE_COUNT }, (_, i) => `/r/${i}`);
      const tokens = makeTokens(ROUTE_COUNT * TOKENS_PER_ROUTE);
      let lastWindow = -1;
      for (let round = 0; round < ROUNDS; round++) {
        // Measurements wait in the SDK until the flush, so only the export itself races the window's end.
        tokens.forEach((token, i) => app.add(REQUESTS_METRIC, CLIP_UPPER, { [ROUTE_ATTRIBUTE]: routes[i % ROUTE_COUNT], [TOKEN_ATTRIBUTE]: token }));
        await waitForWindowAfter(lastWindow);
        await app.flush();
        lastWindow = Math.floor(Date.now() / WINDOW_MILLIS);
      }
      await app.shutdown();
      assert.deepEqual(await sidecar.stop(), { code: 0, signal: null }, sidecar.describe());
      assert.deepEqual(backend.failures, []);

      const windows = new Map<bigint, number[]>();
      for (const point of releasedPoints(backend.requests, REQUESTS_METRIC)) {
        const values = windows.get(point.startTimeUnixNano) ?? [];
        values.push(point.value);
        windows.set(point.startTimeUnixNano, values);
      }
      const samples: number[] = [];
      let roundsFound = 0;
      for (const [start, values] of windows) {
        const rounds = Math.round(values.reduce((sum, v) => sum + v, 0) / values.length / truthPerRound);
        // Windows without data hold only noise: they tell nothing of the round counts.
        if (rounds === 0) continue;
        assert.equal(values.length, ROUTE_COUNT, `window starting at ${start} ns released ${values.length} of ${ROUTE_COUNT} routes`);
        roundsFound += rounds;
        for (const value of values) samples.push(value - rounds * truthPerRound);
      }
      assert.equal(roundsFound, ROUNDS, 'the released windows do not account for every round sent');

      const spread = assessSpread({ mechanism, sigma, samples, falseAlarm: SPREAD_FALSE_ALARM });
      const mean = assessMean({ sigma, samples, falseAlarm: MEAN_FALSE_ALARM });
      t.diagnostic(
        `${mechanism}: σ=${sigma.toFixed(3)}, n=${samples.length}, S/E[S]=${spread.ratio.toFixed(3)} ` +
          `(accept ${(spread.lower / spread.degreesOfFreedom).toFixed(3)}..${(spread.upper / spread.degreesOfFreedom).toFixed(3)}), ` +
          `mean=${mean.mean.toFixed(3)} (|mean| ≤ ${mean.limit.toFixed(3)})`,
      );
      // The interval must be narrow enough to catch σ off by a factor of two.
      assert.ok(spread.missWhenDouble < 1e-6 && spread.missWhenHalf < 1e-6, `too few samples: ${JSON.stringify(spread)}`);
      assert.ok(
        spread.statistic >= spread.lower && spread.statistic <= spread.upper,
        `spread statistic ${spread.statistic} outside [${spread.lower}, ${spread.upper}] for ${spread.degreesOfFreedom} degrees of freedom: ` +
          `the noise is ${Math.pow(spread.ratio, mechanism === 'gaussian' ? 0.5 : 1).toFixed(3)}× the configured σ`,
      );
      assert.ok(Math.abs(mean.mean) <= mean.limit, `mean noise ${mean.mean} beyond ±${mean.limit}: released values are biased`);
    });
  }
});
