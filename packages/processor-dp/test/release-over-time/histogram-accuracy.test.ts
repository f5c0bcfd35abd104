import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CryptoRandomSource, DEFAULT_DP_CONFIG } from '../../src/index.js';
import {
  LATENCY_METRIC,
  accuracyConfig,
  bucketCounts,
  histogramQuantile,
  latencyWorkload,
  releasedRuns,
  summarize,
  windowHistogram,
  type ReleasedRun,
} from '../../src/testing.js';

// The latency workload: 1,000 tokens × 20 log-normal latencies per
// window (median 80 ms, log-sd 1) for 30 windows, ε = 1, Gaussian, δ = 1e-6;
// latencies clipped at 2,500 ms, at most 20 per token and window. A
// histogram costs two of a token's units (its buckets and its sum).
const WINDOWS = 30;
const IDLE = 200;
const schedule = { windowMillis: 1000, startMillis: 1_700_000_000_000 };
const config = accuracyConfig({
  ...DEFAULT_DP_CONFIG,
  epsilon: 1,
  windowMillis: schedule.windowMillis,
  maxSeriesPerToken: 2,
  clip: [{ pattern: LATENCY_METRIC, lower: 0, upper: 2_500 }],
  clipCount: [{ pattern: LATENCY_METRIC, count: 20 }],
  exportStdErr: true,
});
const shape = { ...schedule, tokens: 1000, perToken: 20, windows: WINDOWS, medianMillis: 80, sigmaLog: 1 };

interface Errors {
  count: number[];
  mean: number[];
  empty: number[];
  p50: number[];
  p90: number[];
  p99: number[];
  windowP50: number[];
}

/** Relative errors of each run's released histogram after `WINDOWS` windows, against the true histogram on the same buckets. */
function errorsOf(runs: ReleasedRun[], values: Float64Array): Errors {
  const errors: Errors = { count: [], mean: [], empty: [], p50: [], p90: [], p99: [], windowP50: [] };
  const trueMean = values.reduce((sum, value) => sum + value, 0) / values.length;
  for (const run of runs) {
    const histograms = run.histograms.slice(0, WINDOWS);
    const last = histograms[WINDOWS - 1];
    const perWindow = bucketCounts(values, last.upperBounds.slice(0, -1));
    const truth = perWindow.map((count) => count * WINDOWS);
    const count = last.counts.reduce((sum, c) => sum + c, 0);
    errors.count.push(count / (values.length * WINDOWS) - 1);
    errors.mean.push(last.sum / count / trueMean - 1);
    errors.empty.push(last.counts.reduce((sum, c, i) => sum + (truth[i] === 0 ? c : 0), 0) / count);
    for (const q of [50, 90, 99] as const) {
      errors[`p${q}`].push(histogramQuantile(q / 100, last.upperBounds, last.counts) / histogramQuantile(q / 100, last.upperBounds, truth) - 1);
    }
    const windowTruth = histogramQuantile(0.5, last.upperBounds, perWindow);
    const windowErrors = histograms.map((h, t) => histogramQuantile(0.5, h.upperBounds, windowHistogram(h, histograms[t - 1]).counts) / windowTruth - 1);
    errors.windowP50.push(windowErrors.reduce((sum, e) => sum + e, 0) / WINDOWS);
  }
  return errors;
}

function assertWithin(errors: number[], limit: number, what: string): void {
  const { mean, standardError } = summarize(errors);
  assert.ok(Math.abs(mean) <= limit, `${what}: ${(100 * mean).toFixed(2)}% ± ${(100 * standardError).toFixed(2)}%, limit ±${100 * limit}%`);
}

describe('released latency histograms over 30 windows', () => {
  // Measured at 200 runs (per-run sd in brackets): count −0.34% (0.65),
  // mean +0.45% (3.1), empty mass 0.01% (0.05), p50 −0.1% (0.9), p90 −3.8%
  // (2.9), p99 −8.3% (11.4), per-window p50 +0.8% (2.3). At 150 runs every
  // limit below is at least 6 standard errors of the mean from the measured
  // value (the mean: 1.55% against an SE of 0.25%): a false alarm below
  // 1e-8 per check.
  it('on the SDK default buckets: count and mean within 2%, no mass in empty buckets, p50 / p90 / p99 within 5 / 10 / 30%', async () => {
    const workload = latencyWorkload(shape);
    const runs = await releasedRuns({ ...workload, endMillis: workload.endMillis + IDLE * schedule.windowMillis }, config, 150, LATENCY_METRIC, new CryptoRandomSource());
    const errors = errorsOf(runs, workload.values);
    assertWithin(errors.count, 0.02, 'count');
    assertWithin(errors.mean, 0.02, 'mean');
    assert.ok(summarize(errors.empty).mean <= 0.005, `empty buckets hold ${(100 * summarize(errors.empty).mean).toFixed(3)}% of the count`);
    assertWithin(errors.p50, 0.05, 'p50');
    assertWithin(errors.p90, 0.1, 'p90');
    assertWithin(errors.p99, 0.3, 'p99');
    assertWithin(errors.windowP50, 0.05, 'per-window p50');

    // The count after 200 idle windows, against the standard error the
    // release exports: the monotone count leads by at most ~0.5 of it.
    const truth = workload.values.length * WINDOWS;
    const end = WINDOWS + IDLE;
    const stdErr = runs[0].stdErrs[end - 1];
    const drift = summarize(runs.map((run) => run.totals[end - 1] - truth));
    assert.ok(runs.every((run) => run.totals.length === end));
    assert.ok(Math.abs(drift.mean) <= 1.5 * stdErr, `count drift ${drift.mean.toFixed(0)} ± ${drift.standardError.toFixed(0)}, sd ${stdErr.toFixed(0)}`);
    assert.ok(Math.abs(drift.mean) <= 0.03 * truth, `count drift ${drift.mean.toFixed(0)} of ${truth}`);
  });

  // Measured at 200 runs on scale 3 (160 buckets): count −0.75% (2.1), p50
  // −1.0% (3.1), p90 −4.2% (6.7). At 60 runs the nearest limit (p90) is 6.8
  // standard errors away.
  it('as exponential histograms: count within 3%, p50 and p90 within 10%', async () => {
    const workload = latencyWorkload({ ...shape, exponentialScale: 3 });
    const errors = errorsOf(await releasedRuns(workload, config, 60, LATENCY_METRIC, new CryptoRandomSource()), workload.values);
    assertWithin(errors.count, 0.03, 'count');
    assertWithin(errors.p50, 0.1, 'p50');
    assertWithin(errors.p90, 0.1, 'p90');
  });
});
