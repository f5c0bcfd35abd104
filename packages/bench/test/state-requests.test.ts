import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DP_CONFIG, DpProcessor } from '@otel-dp/processor-dp';
import { MetricsSink, noNoise } from '@otel-dp/processor-dp/testing';
import { STATE_POINTS_PER_REQUEST, stateRequests, type StateShape } from '../src/state-requests.js';
import { TOKEN_ATTRIBUTE } from '../src/workload.js';

function pairsOf(shape: StateShape, pass: number): { requests: number; pairs: Set<string>; times: Set<bigint> } {
  const pairs = new Set<string>();
  const times = new Set<bigint>();
  let requests = 0;
  for (const request of stateRequests(shape, pass)) {
    requests++;
    let points = 0;
    for (const metric of request.resourceMetrics[0].scopeMetrics[0].metrics) {
      for (const point of metric.sum!.dataPoints) {
        points++;
        times.add(point.timeUnixNano);
        const token = point.attributes.find((a) => a.key === TOKEN_ATTRIBUTE)!.value.stringValue!;
        const route = point.attributes.find((a) => a.key === 'http.route')!.value.stringValue!;
        pairs.add(`${token}|${metric.name}|${route}`);
      }
    }
    assert.ok(points <= STATE_POINTS_PER_REQUEST);
  }
  return { requests, pairs, times };
}

describe('stateRequests', () => {
  it('yields every (token, series) pair once per pass, in requests of at most 1,000 points', () => {
    const shape: StateShape = { tokens: 230, seriesPerToken: 25, temporality: 'delta' };
    const { requests, pairs } = pairsOf(shape, 0);
    assert.equal(pairs.size, 230 * 25);
    assert.equal(requests, Math.ceil((230 * 25) / 1000));
    const series = new Set([...pairs].map((pair) => pair.slice(pair.indexOf('|'))));
    assert.equal(series.size, 25, 'tokens share the same series');
  });

  it('stamps each pass later, so a second cumulative pass yields a delta for every pair', async () => {
    const shape: StateShape = { tokens: 150, seriesPerToken: 4, temporality: 'cumulative' };
    assert.deepEqual([...pairsOf(shape, 0).times].length, 1);
    assert.ok([...pairsOf(shape, 1).times][0] > [...pairsOf(shape, 0).times][0]);
    const sink = new MetricsSink();
    const processor = new DpProcessor({ ...DEFAULT_DP_CONFIG, clip: [], outputTemporality: 'delta', counterProjection: 'none' }, sink, {
      now: () => 1_700_000_030_000,
      noiseSampler: noNoise,
    });
    await processor.start();
    for (const pass of [0, 1]) {
      for (const request of stateRequests(shape, pass)) assert.equal((await processor.consume(request)).rejectedDataPoints, 0);
    }
    await processor.shutdown();
    const released = sink.releases.flatMap((batch) => batch.summary!.series);
    assert.equal(released.length, 4);
    for (const series of released) assert.equal(series.value, 150, `${series.metric}: one unit from each of the 150 tokens`);
  });
});
