import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregationTemporality, type HistogramDataPoint, type Metric } from '@otel-dp/otlp';
import { DpProcessor, type DpProcessorConfig } from '../src/index.js';
import { MetricsSink, noNoise } from '../src/testing.js';
import { MS, attrs, exactConfig, manualClock, point, request, sumMetric } from './builders.js';

const T0 = 1_700_000_000_000;

async function run(overrides: Partial<DpProcessorConfig>, metrics: Metric[][]): Promise<MetricsSink> {
  const clock = manualClock(T0 + 10);
  const sink = new MetricsSink();
  const processor = new DpProcessor(exactConfig(overrides), sink, { now: clock.now, noiseSampler: noNoise });
  await processor.start();
  for (const [i, batch] of metrics.entries()) {
    clock.set(T0 + 10 + i * 1000);
    await processor.consume(request(batch));
  }
  await processor.shutdown();
  return sink;
}

function gauge(name: string, points: ReturnType<typeof point>[]): Metric {
  return { name, description: '', unit: 'ms', metadata: [], gauge: { dataPoints: points } };
}

function histogramPoint(token: string, route: string, counts: number[], sum: number): HistogramDataPoint {
  return {
    attributes: attrs({ route, 'api.token': token }),
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: BigInt(counts.reduce((a, b) => a + b, 0)),
    sum,
    bucketCounts: counts.map(BigInt),
    explicitBounds: [10, 100],
    exemplars: [],
    flags: 0,
  };
}

function histogram(points: HistogramDataPoint[]): Metric {
  return { name: 'latency', description: '', unit: 'ms', metadata: [], histogram: { dataPoints: points, aggregationTemporality: AggregationTemporality.DELTA } };
}

function released(sink: MetricsSink): Metric[] {
  return sink.releases.flatMap((batch) => batch.request.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)));
}

describe('metric kinds', () => {
  it('releases a gauge as the mean of each token’s last value, clamped', async () => {
    const sink = await run({ clip: [{ pattern: 'cpu', lower: 0, upper: 100 }] }, [
      [
        gauge('cpu', [
          point(10, { host: 'a', 'api.token': 't1' }, { time: 1n * MS }),
          point(30, { host: 'a', 'api.token': 't1' }, { time: 2n * MS }),
          point(500, { host: 'a', 'api.token': 't2' }, { time: 1n * MS }),
        ]),
      ],
    ]);
    const [metric] = released(sink);
    // t1's last value 30, t2's 500 clamped to 100: mean 65.
    assert.equal(metric.gauge!.dataPoints[0].asDouble, 65);
  });

  it('releases a gauge as a sum when configured', async () => {
    const sink = await run({ gaugeAggregation: [{ pattern: 'conn*', aggregation: 'sum' }] }, [
      [gauge('connections', [point(3, { 'api.token': 't1' }), point(4, { 'api.token': 't2' })])],
    ]);
    assert.equal(released(sink)[0].gauge!.dataPoints[0].asDouble, 7);
  });

  it('releases histogram buckets and sum, scaling a token down to clip-count measurements', async () => {
    const sink = await run(
      { outputTemporality: 'delta', clip: [{ pattern: 'latency', lower: 0, upper: 50 }], clipCount: [{ pattern: 'latency', count: 10 }] },
      [[histogram([histogramPoint('t1', '/a', [2, 1, 0], 20), histogramPoint('t2', '/a', [0, 30, 10], 4000)])]],
    );
    const [metric] = released(sink);
    const out = metric.histogram!.dataPoints[0];
    // t2 sent 40 measurements: scaled to 10 (buckets 0, 7.5, 2.5 rounded systematically to whole counts summing to 10).
    const counts = out.bucketCounts.map(Number);
    assert.equal(counts[0], 2);
    assert.equal(counts[1] + counts[2], 11);
    assert.ok(counts[1] === 8 || counts[1] === 9, `bucket 1 is ${counts[1]}`);
    assert.equal(out.count, 13n);
    // t1's sum 20 stays; t2's 4000 scaled by 10/40 to 1000, then clamped to 10 × 50 = 500.
    assert.equal(out.sum, 520);
    assert.deepEqual(out.explicitBounds, [10, 100]);
    assert.equal(out.min, undefined);
  });

  it('describes a released histogram to readable exporters by its exported buckets and bounds', async () => {
    const sink = await run(
      { outputTemporality: 'delta', clip: [{ pattern: 'latency', lower: 0, upper: 50 }], clipCount: [{ pattern: 'latency', count: 10 }] },
      [[histogram([histogramPoint('t1', '/a', [2, 1, 0], 20), histogramPoint('t2', '/a', [0, 30, 10], 4000)])]],
    );
    const out = released(sink)[0].histogram!.dataPoints[0];
    const [info] = sink.releases[0].summary!.series;
    assert.equal(info.kind, 'histogram');
    assert.equal(info.unit, 'ms');
    assert.deepEqual(info.histogram, { scope: 'window', lowerBounds: [-Infinity, 10, 100], upperBounds: [10, 100, Infinity], counts: out.bucketCounts.map(Number), sum: out.sum });
  });

  it('counts per metric the series waiting for partition selection, and says what selection needs', async () => {
    const sink = await run({ outputTemporality: 'delta' }, [[histogram([histogramPoint('t1', '/a', [1, 0, 0], 1), histogramPoint('t1', '/b', [1, 0, 0], 1)])]]);
    const summary = sink.releases[0].summary!;
    assert.equal(summary.series.length, 0);
    assert.deepEqual(summary.waiting, [{ metric: 'latency', series: 2 }]);
    // At ε = 1e9 the selection noise is nil and the threshold is its floor of 2 tokens.
    assert.deepEqual(summary.selection, { threshold: 2, stdDev: 0 });
  });

  it('releases exponential histograms on the configured scale, whatever the input scale', async () => {
    const point = (token: string, scale: number, offset: number, counts: number[]) => ({
      attributes: attrs({ 'api.token': token }),
      startTimeUnixNano: 0n,
      timeUnixNano: 0n,
      count: BigInt(counts.reduce((a, b) => a + b, 0)),
      sum: 1,
      scale,
      zeroCount: 0n,
      positive: { offset, bucketCounts: counts.map(BigInt) },
      flags: 0,
      exemplars: [],
      zeroThreshold: 0,
    });
    const sink = await run(
      { outputTemporality: 'delta', exponentialHistogramScale: 0, exponentialHistogramBuckets: 8, clip: [{ pattern: 'size', lower: 0, upper: 1024 }] },
      [
        [
          {
            name: 'size',
            description: '',
            unit: 'By',
            metadata: [],
            // Scale 2: indices 8..11 are (4, 8] at scale 0 (index 2); scale 0 index 2 directly for the other token.
            exponentialHistogram: { dataPoints: [point('t1', 2, 8, [1, 1, 1, 1]), point('t2', 0, 2, [3])], aggregationTemporality: AggregationTemporality.DELTA },
          },
        ],
      ],
    );
    const out = released(sink)[0].exponentialHistogram!.dataPoints[0];
    assert.equal(out.scale, 0);
    // 1024 is the top of bucket 9 at scale 0; 8 buckets: offsets 2..9.
    assert.equal(out.positive!.offset, 2);
    assert.equal(Number(out.positive!.bucketCounts[0]), 7);
    assert.equal(out.count, 7n);
    // Readable exporters see the same buckets in ascending order: the zero bucket, then (4, 8], (8, 16], …
    const info = sink.releases[0].summary!.series[0].histogram!;
    const zero = info.lowerBounds.indexOf(0);
    assert.deepEqual([info.lowerBounds[zero + 1], info.upperBounds[zero + 1], info.counts[zero + 1]], [4, 8, 7]);
    assert.deepEqual(info.upperBounds.slice(zero + 1), [8, 16, 32, 64, 128, 256, 512, 1024]);
    assert.equal(info.counts.reduce((a, b) => a + b, 0), 7);
  });

  it('refuses histogram points of more than 1000 buckets, whose entries would cost 8 bytes a bucket for every token', async () => {
    const processor = new DpProcessor(exactConfig(), new MetricsSink(), { now: () => T0 + 10, noiseSampler: noNoise });
    await processor.start();
    const withBuckets = (token: string, buckets: number): HistogramDataPoint => ({
      ...histogramPoint(token, '/a', new Array<number>(buckets).fill(1), 1),
      explicitBounds: Array.from({ length: buckets - 1 }, (_, i) => i),
    });
    const result = await processor.consume(request([histogram([withBuckets('t1', 1000), withBuckets('t2', 1001)])]));
    await processor.shutdown();
    assert.equal(result.rejectedDataPoints, 1);
    assert.match(result.errorMessage, /^1 histogram data points with more than 1000 buckets were dropped$/);
    assert.equal(processor.stats.acceptedPoints, 1);
    assert.equal(processor.stats.refusedPoints.get('too_many_buckets'), 1);
  });

  it('releases every declared public route from the metric’s first appearance, even one no token used', async () => {
    const sink = await run(
      {
        publicAttributes: { route: ['/a', '/b', '/c'], 'service.name': ['api'] },
        outputTemporality: 'delta',
      },
      [[sumMetric('requests', [point(5, { route: '/a', 'api.token': 'lonely' })])]],
    );
    const points = released(sink)[0].sum!.dataPoints;
    const byRoute = new Map(points.map((p) => [p.attributes[0].value.stringValue, p.asDouble]));
    assert.deepEqual(byRoute, new Map([['/a', 5], ['/b', 0], ['/c', 0]]));
  });

  it('keys series by the metric description too, so a description one token sent stays hidden with its series', async () => {
    const described = (description: string, token: string) => ({ ...sumMetric('requests', [point(1, { route: '/a', 'api.token': token })]), description });
    const sink = await run({}, [[described('sent by one token', 'lonely'), described('requests served', 't1'), described('requests served', 't2')]]);
    const metrics = released(sink);
    assert.deepEqual(metrics.map((metric) => [metric.description, metric.sum!.dataPoints[0].asDouble]), [['requests served', 2]]);
    assert.equal(sink.releases[0].summary!.suppressedSeries, 1);
  });

  it('never forwards an attribute whose value looks like a credential', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const sink = await run({}, [
      [
        sumMetric('requests', [
          point(1, { route: '/a', auth: `Bearer ${jwt}`, 'api.token': 't1' }),
          point(1, { route: '/a', auth: `Bearer ${jwt}`, 'api.token': 't2' }),
        ]),
      ],
    ]);
    const text = JSON.stringify(released(sink), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    assert.ok(!text.includes('eyJ'), 'the JWT is not exported');
    assert.ok(text.includes('/a'));
  });
});
