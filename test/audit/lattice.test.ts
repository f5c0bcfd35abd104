import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { calibrateWindow, componentNoise, CryptoRandomSource } from '@otel-dp/processor-dp';
import { DURATION_CLIP, DURATION_CLIP_COUNT, histogramsConfig, neighbours, REQUESTS_CLIP } from './neighbours.js';
import { onGrid, ProblemLog, releasedPoints, runOnce } from './release-runs.js';

/**
 * Lattice checks (Mironov 2012): every released value is an exact multiple
 * of its component's noise grid, and finite, whatever X sends. A value off
 * the grid would carry low-order bits of the unnoised input; a NaN or an
 * infinity would mean a clamp let X's input through.
 */
const RUNS = 25;
const WINDOWS = 3;
const random = new CryptoRandomSource();

describe('released values lie on their noise grid', () => {
  for (const mechanism of ['laplace', 'gaussian'] as const) {
    for (const temporality of ['delta', 'cumulative'] as const) {
      test(`${mechanism}, ${temporality} output: sums and histograms, with and without X`, async (t) => {
        const config = histogramsConfig(mechanism, temporality);
        const calibration = calibrateWindow(config);
        const sumGrid = componentNoise(REQUESTS_CLIP.lower, REQUESTS_CLIP.upper, calibration).grid;
        const bucketGrid = componentNoise(0, DURATION_CLIP_COUNT, calibration).grid;
        // A histogram's sum is bounded by the clip count times the per-measurement range.
        const histogramSumGrid = componentNoise(
          Math.min(0, DURATION_CLIP_COUNT * DURATION_CLIP.lower),
          Math.max(0, DURATION_CLIP_COUNT * DURATION_CLIP.upper),
          calibration,
        ).grid;
        // The other route has four times the selection threshold in tokens: it misses selection in
        // the first window only if the count noise falls below −3τ (probability below 1e-9), and is
        // public from then on. So every window releases something.
        const tau = calibration.selectionThreshold;
        const inputs = neighbours({ sharedRouteTokens: tau - 1, otherRouteTokens: 4 * tau, windows: WINDOWS, histograms: true });
        const log = new ProblemLog();
        let sums = 0;
        let histograms = 0;
        for (let run = 0; run < RUNS; run++) {
          for (const [requests, rejected] of [
            [inputs.without, 0],
            // X's NaN counter point and NaN-sum histogram point, in every window.
            [inputs.with, 2 * WINDOWS],
          ] as const) {
            const result = await runOnce({ config, requests, random, logger: log });
            assert.equal(result.rejectedDataPoints, rejected);
            assert.equal(result.releases.length, WINDOWS, 'every window releases the other route');
            for (const batch of result.releases) {
              for (const point of releasedPoints(batch.request)) {
                const where = `${point.metric} ${point.route}`;
                if (point.kind === 'sum') {
                  assert.ok(onGrid(point.value, sumGrid), `${where}: ${point.value} is not a multiple of ${sumGrid}`);
                  sums++;
                  continue;
                }
                assert.ok(onGrid(point.value, histogramSumGrid), `${where}: sum ${point.value} is not a multiple of ${histogramSumGrid}`);
                let total = 0n;
                for (const bucket of point.buckets) {
                  assert.ok(bucket >= 0n && onGrid(Number(bucket), bucketGrid), `${where}: bucket count ${bucket}`);
                  total += bucket;
                }
                assert.equal(point.count, total, `${where}: count is the sum of the buckets`);
                histograms++;
              }
            }
          }
        }
        assert.deepEqual(log.problems, []);
        // At least the other route's counter and histogram in each window of each run.
        assert.ok(sums >= 2 * RUNS * WINDOWS && histograms >= 2 * RUNS * WINDOWS, `checked ${sums} sums and ${histograms} histograms`);
        t.diagnostic(`${sums} sums and ${histograms} histograms on their grids (${sumGrid}, ${histogramSumGrid}; buckets ${bucketGrid})`);
      });
    }
  }
});
