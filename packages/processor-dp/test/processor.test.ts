import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregationTemporality } from '@otel-dp/otlp';
import { DpProcessor } from '../src/index.js';
import { MetricsSink, noNoise } from '../src/testing.js';
import { MS, attrs, exactConfig, manualClock, point, request, routeValues, sumMetric } from './builders.js';

const T0 = 1_700_000_000_000; // a window boundary for 1 s windows

async function setup(overrides = {}) {
  const clock = manualClock(T0 + 10);
  const sink = new MetricsSink();
  const processor = new DpProcessor(exactConfig(overrides), sink, { now: clock.now, noiseSampler: noNoise });
  await processor.start();
  return { clock, sink, processor };
}

describe('DpProcessor', () => {
  it('releases the per-route total across tokens and drops the token', async () => {
    const { clock, sink, processor } = await setup();
    await processor.consume(
      request([
        sumMetric('requests', [
          point(3, { route: '/a', 'api.token': 'tok-1' }),
          point(4, { route: '/a', 'api.token': 'tok-2' }),
          point(5, { route: '/b', 'api.token': 'tok-1' }),
          point(6, { route: '/b', 'api.token': 'tok-3' }),
        ]),
      ]),
    );
    clock.set(T0 + 1000);
    await processor.flush();
    const [release] = sink.releases;
    assert.deepEqual(routeValues(release.request), new Map([['requests /a', 7], ['requests /b', 11]]));
    const text = JSON.stringify(release, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
    assert.ok(!text.includes('tok-'), 'no token value in the release');
    assert.ok(!text.includes('api.token'), 'no token attribute in the release');
  });

  it('finds the series of frozen attribute lists by identity, and of other lists by content even when changed in place', async () => {
    const { clock, sink, processor } = await setup();
    const shared = Object.freeze(attrs({ route: '/a', 'api.token': 'tok-1' }));
    const reused = attrs({ route: '/a', 'api.token': 'tok-2' });
    const frozenPoint = { ...point(1, {}), attributes: shared as typeof reused };
    await processor.consume(request([sumMetric('requests', [frozenPoint, { ...point(2, {}), attributes: reused }])]));
    // A caller reusing its list: the same array now names another series.
    reused[0] = { key: 'route', value: { stringValue: '/b' } };
    await processor.consume(request([sumMetric('requests', [frozenPoint, { ...point(4, {}), attributes: reused }, point(8, { route: '/b', 'api.token': 'tok-1' })])]));
    clock.set(T0 + 1000);
    await processor.flush();
    assert.deepEqual(routeValues(sink.releases[0].request), new Map([['requests /a', 4], ['requests /b', 12]]));
  });

  it('suppresses a series that only one token created', async () => {
    const { sink, processor } = await setup();
    await processor.consume(
      request([
        sumMetric('requests', [
          point(1, { route: '/shared', 'api.token': 'tok-1' }),
          point(1, { route: '/shared', 'api.token': 'tok-2' }),
          point(9, { route: '/secret', 'api.token': 'tok-1' }),
        ]),
      ]),
    );
    await processor.flush();
    const [release] = sink.releases;
    assert.deepEqual([...routeValues(release.request).keys()], ['requests /shared']);
    assert.equal(release.summary!.suppressedSeries, 1);
  });

  it('clamps each token total to the metric bounds, and ±Infinity to the bounds', async () => {
    const { sink, processor } = await setup({ clip: [{ pattern: 'req*', lower: 0, upper: 100 }] });
    await processor.consume(
      request([
        sumMetric('requests', [
          point(5000, { route: '/a', 'api.token': 'tok-1' }),
          point(Infinity, { route: '/a', 'api.token': 'tok-2' }),
          point(-Infinity, { route: '/a', 'api.token': 'tok-3' }),
          point(7, { route: '/a', 'api.token': 'tok-4' }),
        ]),
      ]),
    );
    await processor.flush();
    assert.equal(routeValues(sink.releases[0].request).get('requests /a'), 207);
  });

  it('keeps at most max-series-per-token series of one token', async () => {
    const { sink, processor } = await setup({ maxSeriesPerToken: 2 });
    const routes = ['/1', '/2', '/3', '/4', '/5'];
    const points = routes.flatMap((route) => [
      point(1, { route, 'api.token': 'heavy' }),
      point(10, { route, 'api.token': `light-a${route}` }),
      point(10, { route, 'api.token': `light-b${route}` }),
    ]);
    await processor.consume(request([sumMetric('requests', points)]));
    await processor.flush();
    const values = routeValues(sink.releases[0].request);
    const heavyCounted = [...values.values()].reduce((total, value) => total + value, 0) - 5 * 20;
    assert.equal(heavyCounted, 2);
  });

  it('turns cumulative input into deltas, counting a stream in full only when it started after the processor', async () => {
    const { clock, sink, processor } = await setup();
    const before = BigInt(T0 - 60_000) * MS;
    const after = BigInt(T0 + 20) * MS;
    const cumulative = (value: number, token: string, start: bigint, time: number) =>
      point(value, { route: '/a', 'api.token': token }, { start, time: BigInt(time) * MS });
    await processor.consume(
      request([
        sumMetric(
          'requests',
          [cumulative(50, 'old', before, T0 + 30), cumulative(20, 'new', after, T0 + 30)],
          AggregationTemporality.CUMULATIVE,
        ),
      ]),
    );
    clock.set(T0 + 1000);
    await processor.consume(
      request([
        sumMetric(
          'requests',
          [cumulative(58, 'old', before, T0 + 1000), cumulative(23, 'new', after, T0 + 1000)],
          AggregationTemporality.CUMULATIVE,
        ),
      ]),
    );
    clock.set(T0 + 2000);
    await processor.consume(
      request([
        sumMetric(
          'requests',
          [cumulative(4, 'old', before, T0 + 2000), cumulative(30, 'new', after, T0 + 2000)],
          AggregationTemporality.CUMULATIVE,
        ),
      ]),
    );
    await processor.flush();
    const windows = sink.releases.map((batch) => routeValues(batch.request).get('requests /a'));
    // Window 1: only "new" counts (20) and "old" sets its baseline; but one token alone is suppressed.
    // Window 2: 8 + 3 = 11 more. Window 3: "old" went down (a reset: baseline only), "new" +7.
    assert.equal(sink.releases[0].summary!.suppressedSeries, 1);
    assert.deepEqual(windows, [undefined, 11, 18]);
  });

  it('reports untokened and unsupported points as rejected, and forwards untokened ones on request', async () => {
    const { processor } = await setup();
    const mixed = request([
      sumMetric('requests', [point(1, { route: '/a' }), point(1, { route: '/a', 'api.token': 'tok-1' })]),
      {
        name: 'latency',
        description: '',
        unit: 'ms',
        metadata: [],
        summary: { dataPoints: [{ attributes: attrs({ 'api.token': 'tok-1' }), startTimeUnixNano: 0n, timeUnixNano: 0n, count: 1n, sum: 3, quantileValues: [], flags: 0 }] },
      },
    ]);
    const result = await processor.consume(mixed);
    assert.equal(result.rejectedDataPoints, 2);
    assert.match(result.errorMessage, /1 data points without the api\.token attribute/);
    assert.match(result.errorMessage, /1 summary data points/);
    assert.ok(!result.errorMessage.includes('tok-1'));

    const passing = await setup({ untokened: 'pass' });
    const untokened = point(1, { route: '/a' });
    untokened.exemplars.push({ filteredAttributes: [], timeUnixNano: 1n, asDouble: 1, spanId: new Uint8Array(8), traceId: new Uint8Array(16) });
    const passed = await passing.processor.consume(request([sumMetric('requests', [untokened])]));
    assert.equal(passed.rejectedDataPoints, 0);
    const [forwarded] = passing.sink.batches;
    assert.equal(forwarded.summary, undefined);
    const forwardedPoint = forwarded.request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum!.dataPoints[0];
    assert.equal(forwardedPoint.asDouble, 1);
    assert.deepEqual(forwardedPoint.exemplars, []);
  });

  it('forwards untokened points without a token attribute whose value is not read as a token', async () => {
    const { sink, processor } = await setup({ untokened: 'pass' });
    const secret = 'sk_live_0123456789abcdef';
    const forwarded = request([sumMetric('requests', [point(1, { route: '/a' }), point(2, { route: '/b' })])]);
    const resourceMetrics = forwarded.resourceMetrics[0];
    resourceMetrics.resource!.attributes.push({ key: 'api.token', value: { bytesValue: new TextEncoder().encode(secret) } });
    resourceMetrics.scopeMetrics[0].scope!.attributes.push({ key: 'api.token', value: { boolValue: true } });
    const [first, second] = resourceMetrics.scopeMetrics[0].metrics[0].sum!.dataPoints;
    first.attributes.push({ key: 'api.token', value: { arrayValue: { values: [{ stringValue: secret }] } } });
    second.attributes.push({ key: 'api.token', value: { stringValue: '' } });
    const result = await processor.consume(forwarded);
    assert.equal(result.rejectedDataPoints, 0);
    const [batch] = sink.batches;
    assert.equal(batch.summary, undefined);
    const text = JSON.stringify(batch.request, (_key, value) =>
      typeof value === 'bigint' ? value.toString() : value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
    );
    assert.ok(!text.includes('api.token'), 'no token attribute is forwarded');
    assert.ok(!text.includes(secret), 'no token value is forwarded');
    const passed = batch.request.resourceMetrics[0];
    assert.deepEqual(passed.resource!.attributes, attrs({ 'service.name': 'api' }));
    assert.deepEqual(routeValues(batch.request), new Map([['requests /a', 1], ['requests /b', 2]]), 'points keep their other attributes and values');
  });

  it('never forwards a credential in untokened data, even with untokened pass', async () => {
    const { sink, processor } = await setup({ untokened: 'pass' });
    const key = 'AKIAIOSFODNN7EXAMPLE';
    const result = await processor.consume(request([sumMetric('requests', [point(1, { route: '/a', 'aws.key': key })])], { 'service.name': 'api', owner: key }));
    assert.equal(result.rejectedDataPoints, 0);
    const text = JSON.stringify(sink.batches[0].request, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
    assert.ok(!text.includes(key));
    assert.deepEqual(routeValues(sink.batches[0].request), new Map([['requests /a', 1]]));
    assert.equal(processor.stats.droppedAttributes.get('credential'), 2);
  });

  it('takes the token from the scope, then the resource', async () => {
    const { sink, processor } = await setup();
    await processor.consume(request([sumMetric('requests', [point(2, { route: '/a' })])], { 'api.token': 'res-tok' }));
    await processor.consume(request([sumMetric('requests', [point(3, { route: '/a' })])], {}, { 'api.token': 'scope-tok' }));
    await processor.flush();
    // Without the token both requests describe the same series, which two tokens fed.
    assert.equal(routeValues(sink.releases[0].request).get('requests /a'), 5);
  });

  it('releases a series every window once public, with cumulative output that never decreases', async () => {
    const { clock, sink, processor } = await setup();
    await processor.consume(
      request([sumMetric('requests', [point(4, { route: '/a', 'api.token': 't1' }), point(6, { route: '/a', 'api.token': 't2' })])]),
    );
    clock.set(T0 + 1000);
    await processor.consume(request([sumMetric('requests', [point(1, { route: '/a', 'api.token': 't1' })])]));
    clock.set(T0 + 2000);
    await processor.consume(request([]));
    clock.set(T0 + 3000);
    await processor.flush();
    const values = sink.releases.map((batch) => routeValues(batch.request).get('requests /a'));
    assert.deepEqual(values, [10, 11, 11]);
    const first = sink.releases[0].request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum!;
    assert.equal(first.aggregationTemporality, AggregationTemporality.CUMULATIVE);
    const last = sink.releases[2].request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum!.dataPoints[0];
    assert.equal(last.startTimeUnixNano, BigInt(T0) * MS);
    assert.equal(last.timeUnixNano, BigInt(T0 + 3000) * MS);
  });

  it('writes delta output covering exactly its window', async () => {
    const { clock, sink, processor } = await setup({ outputTemporality: 'delta' });
    await processor.consume(
      request([sumMetric('requests', [point(4, { route: '/a', 'api.token': 't1' }), point(6, { route: '/a', 'api.token': 't2' })])]),
    );
    clock.set(T0 + 1000);
    await processor.consume(request([sumMetric('requests', [point(1, { route: '/a', 'api.token': 't1' })])]));
    await processor.flush();
    assert.deepEqual(
      sink.releases.map((batch) => routeValues(batch.request).get('requests /a')),
      [10, 1],
    );
    const second = sink.releases[1].request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum!;
    assert.equal(second.aggregationTemporality, AggregationTemporality.DELTA);
    assert.equal(second.dataPoints[0].startTimeUnixNano, BigInt(T0 + 1000) * MS);
  });

  it('bounds the window: past maxTokens new tokens are refused, then whole requests with a retryable answer', async () => {
    const { processor } = await setup({ maxTokens: 2 });
    const first = await processor.consume(
      request([sumMetric('requests', [point(1, { route: '/a', 'api.token': 't1' }), point(1, { route: '/a', 'api.token': 't2' }), point(1, { route: '/a', 'api.token': 't3' })])]),
    );
    assert.equal(first.rejectedDataPoints, 1);
    assert.match(first.errorMessage, /most tokens/);
    await assert.rejects(processor.consume(request([sumMetric('requests', [point(1, { route: '/a', 'api.token': 't1' })])])), {
      code: 'WINDOW_FULL',
      retryable: true,
      reason: 'overloaded',
    });
    assert.equal(processor.stats.refusedRequests, 1);
  });

  it('bounds the window: past maxSeries new series are refused', async () => {
    const { processor } = await setup({ maxSeries: 1 });
    const result = await processor.consume(
      request([sumMetric('requests', [point(1, { route: '/a', 'api.token': 't1' }), point(1, { route: '/b', 'api.token': 't1' })])]),
    );
    assert.equal(result.rejectedDataPoints, 1);
  });

  it('past maxSeries, picks the new series to release at random, not by the order tokens sent them', async () => {
    // Runs 40 processors; each picks /late with probability 1/2, so this fails once in 2^39 runs when the pick is fair.
    const picked = new Set<string>();
    for (let run = 0; run < 40; run++) {
      const { clock, sink, processor } = await setup({ maxSeries: 2 });
      await processor.consume(request([sumMetric('requests', [point(1, { route: '/old', 'api.token': 't1' }), point(1, { route: '/old', 'api.token': 't2' })])]));
      clock.set(T0 + 1000);
      const pairs = ['/early', '/late'].flatMap((route) => ['t1', 't2'].map((token) => point(1, { route, 'api.token': `${token}${route}` })));
      await processor.consume(request([sumMetric('requests', pairs)]));
      await processor.flush();
      assert.equal(sink.releases.length, 2);
      const routes = [...routeValues(sink.releases[1].request).keys()];
      assert.equal(routes.length, 2, 'the public series and one new one');
      assert.equal(sink.releases[1].summary!.suppressedSeries, 1);
      picked.add(routes.find((route) => route !== 'requests /old')!);
    }
    assert.deepEqual([...picked].sort(), ['requests /early', 'requests /late']);
  });

  it('refuses an epsilon too small for the samplers, naming the flag', () => {
    assert.throws(() => new DpProcessor(exactConfig({ mechanism: 'laplace', epsilon: 1e-15 }), new MetricsSink()), { code: 'DP_CONFIG', message: /epsilon 1e-15/ });
  });

  it('rejects NaN values and counts them', async () => {
    const { processor } = await setup();
    const result = await processor.consume(request([sumMetric('requests', [point(NaN, { route: '/a', 'api.token': 't1' })])]));
    assert.equal(result.rejectedDataPoints, 1);
    assert.match(result.errorMessage, /NaN/);
  });

  it('flush does nothing before start or once shut down, so no window is released twice', async () => {
    const early = new DpProcessor(exactConfig(), new MetricsSink(), { noiseSampler: noNoise });
    await early.flush();
    assert.equal(early.stats.windowsFailed, 0);
    const { sink, processor } = await setup();
    await processor.consume(request([sumMetric('requests', [point(1, { route: '/a', 'api.token': 't1' }), point(1, { route: '/a', 'api.token': 't2' })])]));
    const stopping = processor.shutdown();
    await processor.flush();
    await stopping;
    await processor.flush();
    assert.equal(processor.stats.windowsReleased, 1);
    assert.equal(processor.stats.windowsFailed, 0);
    assert.deepEqual(sink.releases.map((batch) => routeValues(batch.request).get('requests /a')), [2]);
  });

  it('refuses data with a retryable error before start and once shut down', async () => {
    const early = new DpProcessor(exactConfig(), new MetricsSink());
    await assert.rejects(early.consume(request([])), { code: 'PROCESSOR_UNAVAILABLE', retryable: true });
    const { processor } = await setup();
    await processor.shutdown();
    await processor.shutdown();
    await assert.rejects(processor.consume(request([])), { code: 'PROCESSOR_UNAVAILABLE', retryable: true });
  });

  it('answers a request that closes a window before releasing that window', async () => {
    const clock = manualClock(T0 + 10);
    const sink = new MetricsSink();
    const closed: number[] = [];
    // Noise is drawn while a window is released: a draw counted is a release begun.
    let draws = 0;
    const counting = () => {
      draws++;
      return 0;
    };
    const processor = new DpProcessor(exactConfig(), sink, { now: clock.now, noiseSampler: counting, onWindow: (outcome) => closed.push(outcome.windowEndMillis) });
    await processor.start();
    const tokens = (value: number) => request([sumMetric('requests', [point(value, { route: '/a', 'api.token': 't1' }), point(value, { route: '/a', 'api.token': 't2' })])]);
    await processor.consume(tokens(1));
    clock.set(T0 + 1500);
    const result = await processor.consume(tokens(2));
    assert.equal(result.rejectedDataPoints, 0);
    assert.equal(draws, 0, 'the closed window was released before the request that closed it was answered');
    await processor.flush();
    assert.ok(draws > 0);
    assert.deepEqual(closed, [T0 + 1000, T0 + 2000]);
    assert.deepEqual(sink.releases.map((batch) => routeValues(batch.request).get('requests /a')), [2, 6]);
    await processor.shutdown();
  });
});
