import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregationTemporality, decodeMetricsRequest, encodeMetricsRequest, type ExportMetricsServiceRequest, type Metric } from '@otel-dp/otlp';
import { AggregatingConsumer } from '../src/aggregating-consumer.js';
import { TOKEN_ATTRIBUTE, buildWorkload, tokenValue } from '../src/workload.js';

const attrs = (token: number, route: string) => [
  { key: TOKEN_ATTRIBUTE, value: { stringValue: tokenValue(token) } },
  { key: 'http.route', value: { stringValue: route } },
];

function request(metrics: Metric[]): ExportMetricsServiceRequest {
  return { resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }], droppedAttributesCount: 0 }, scopeMetrics: [{ metrics, schemaUrl: '' }], schemaUrl: '' }] };
}

function cumulative(name: string, points: Array<{ token: number; route: string; time: bigint; value: bigint }>): Metric {
  return {
    name,
    description: '',
    unit: '1',
    metadata: [],
    sum: {
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      isMonotonic: true,
      dataPoints: points.map((p) => ({ attributes: attrs(p.token, p.route), startTimeUnixNano: 1n, timeUnixNano: p.time, asInt: p.value, exemplars: [], flags: 0 })),
    },
  };
}

/** A fixed clock the test moves by hand. */
function clock(): { now: bigint; read: () => bigint } {
  const c = { now: 1_000n, read: () => c.now };
  return c;
}

describe('AggregatingConsumer', () => {
  it('sums a series across tokens, leaves the token out and turns cumulative input into deltas per (token, series)', async () => {
    const time = clock();
    const consumer = new AggregatingConsumer(TOKEN_ATTRIBUTE, time.read);
    const first = [
      { token: 1, route: '/a', time: 10n, value: 5n },
      { token: 2, route: '/a', time: 10n, value: 100n },
      { token: 1, route: '/b', time: 10n, value: 7n },
    ];
    await consumer.consume(request([cumulative('calls', first)]));
    // A first observation of each stream is only a baseline.
    assert.equal(consumer.seriesInWindow, 0);
    assert.equal(consumer.baselineCount, 3);
    const second = [
      { token: 1, route: '/a', time: 20n, value: 8n },
      { token: 2, route: '/a', time: 20n, value: 130n },
      // A repeated time is a duplicate.
      { token: 1, route: '/b', time: 10n, value: 9n },
    ];
    await consumer.consume(request([cumulative('calls', second)]));
    // A new stream's baseline, then a lower value: a reset, counted from zero.
    await consumer.consume(request([cumulative('calls', [{ token: 2, route: '/b', time: 20n, value: 4n }, { token: 2, route: '/b', time: 30n, value: 1n }])]));
    time.now = 2_000n;
    const exported = consumer.closeWindow()!;
    const sum = exported.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)).find((m) => m.name === 'calls')!.sum!;
    assert.equal(sum.aggregationTemporality, AggregationTemporality.DELTA);
    const byRoute = new Map(sum.dataPoints.map((p) => [p.attributes.map((a) => `${a.key}=${a.value.stringValue}`).join(','), p]));
    assert.deepEqual([...byRoute.keys()].sort(), ['http.route=/a', 'http.route=/b']);
    assert.equal(byRoute.get('http.route=/a')!.asDouble, 3 + 30);
    assert.equal(byRoute.get('http.route=/b')!.asDouble, 1);
    assert.equal(byRoute.get('http.route=/a')!.startTimeUnixNano, 1_000n);
    assert.equal(byRoute.get('http.route=/a')!.timeUnixNano, 2_000n);
    const text = JSON.stringify(exported, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    assert.ok(!text.includes('bench-token-'), 'a token reached the export');
    // The next window starts empty, and an empty window exports nothing.
    assert.equal(consumer.closeWindow(), undefined);
  });

  it('adds delta sums and histograms, averages gauges and exports one series per metric and attribute set, on the bench workload', async () => {
    const consumer = new AggregatingConsumer(TOKEN_ATTRIBUTE, clock().read);
    // Through the protobuf codec, as the receiver hands it over: attribute lists come shared and frozen.
    const workload = buildWorkload().map((r) => decodeMetricsRequest(encodeMetricsRequest(r)));
    for (const r of workload) assert.deepEqual(await consumer.consume(r), { rejectedDataPoints: 0, errorMessage: '' });
    const exported = consumer.closeWindow()!;
    const metrics = exported.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    // Every cumulative metric has seen each stream once: baselines, nothing to export yet.
    assert.deepEqual(new Set(metrics.map((m) => m.name)).size, 8);
    const expectedDelta = (name: string) => {
      let total = 0;
      for (const r of workload) {
        for (const m of r.resourceMetrics[0].scopeMetrics[0].metrics) if (m.name === name) for (const p of m.sum!.dataPoints) total += p.asDouble!;
      }
      return total;
    };
    const cache = metrics.find((m) => m.name === 'cache.hits')!;
    const exportedTotal = cache.sum!.dataPoints.reduce((a, p) => a + p.asDouble!, 0);
    assert.ok(Math.abs(exportedTotal - expectedDelta('cache.hits')) < 1e-6);
    for (const m of metrics) {
      for (const p of m.sum?.dataPoints ?? m.gauge?.dataPoints ?? m.histogram?.dataPoints ?? []) {
        assert.ok(p.attributes.every((a) => a.key !== TOKEN_ATTRIBUTE));
      }
    }
    // A second pass gives deltas for cumulative sums and histograms too: all 20 metrics.
    const resent = buildWorkload().map((r) => {
      const copy = decodeMetricsRequest(encodeMetricsRequest(r));
      for (const m of copy.resourceMetrics[0].scopeMetrics[0].metrics) {
        for (const p of m.sum?.dataPoints ?? m.gauge?.dataPoints ?? m.histogram?.dataPoints ?? []) p.timeUnixNano += 1_000_000_000n;
      }
      return copy;
    });
    for (const r of resent) await consumer.consume(r);
    const second = consumer.closeWindow()!.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    assert.equal(second.length, 20);
    // Unchanged cumulative values: every delta is zero.
    const histogram = second.find((m) => m.name === 'http.server.request.duration')!.histogram!;
    assert.ok(histogram.dataPoints.every((p) => p.count === 0n && p.bucketCounts.length === 11));
    assert.ok(second.find((m) => m.name === 'api.calls')!.sum!.dataPoints.every((p) => p.asDouble === 0));
  });

  it('refuses exponential histograms and summaries, and says how many points', async () => {
    const consumer = new AggregatingConsumer(TOKEN_ATTRIBUTE, clock().read);
    const summary: Metric = { name: 's', description: '', unit: '', metadata: [], summary: { dataPoints: [{ attributes: [], startTimeUnixNano: 0n, timeUnixNano: 1n, count: 1n, sum: 1, quantileValues: [], flags: 0 }] } };
    const result = await consumer.consume(request([summary]));
    assert.equal(result.rejectedDataPoints, 1);
    assert.match(result.errorMessage, /1 points/);
  });
});
