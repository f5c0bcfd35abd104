import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, StatusCode, type ExportTraceServiceRequest, type KeyValue, type Metric, type Span } from '@otel-dp/otlp';
import { DpProcessor, SPAN_DURATION_METRIC, parseSpanKinds, spanMetrics, validateSpanMetricsOptions, type SpanMetricsOptions } from '../src/index.js';
import { MetricsSink, noNoise } from '../src/testing.js';
import { MS, attrs, exactConfig, manualClock } from './builders.js';

const T0 = 1_700_000_000_000;
const OPTIONS: SpanMetricsOptions = { tokenAttribute: 'api.token', untokened: 'drop', timeUnixNano: BigInt(T0) * MS };
const START = 1_600_000_000_000_000_000n;

function span(ms: number, attributes: KeyValue[] = attrs({ 'api.token': 'tok-1' }), kind: number = SpanKind.SERVER, name = 'GET /users'): Span {
  return {
    traceId: new Uint8Array(16).fill(1),
    spanId: new Uint8Array(8).fill(2),
    name,
    kind,
    startTimeUnixNano: START,
    endTimeUnixNano: START + BigInt(Math.round(ms * 1e6)),
    attributes,
    statusCode: StatusCode.UNSET,
  };
}

function traces(spans: Span[], resource: KeyValue[] = attrs({ 'service.name': 'api', 'deployment.environment': 'prod' })): ExportTraceServiceRequest {
  return { resourceSpans: [{ resource: { attributes: resource, droppedAttributesCount: 0 }, scopeSpans: [{ spans }] }] };
}

function metricsOf(request: ReturnType<typeof spanMetrics>['metrics']): Metric[] {
  return request.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
}

function keysAndValues(attributes: KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(attributes.map((a) => [a.key, a.value.stringValue ?? a.value.intValue ?? a.value.boolValue ?? a.value.doubleValue]));
}

describe('spanMetrics: spanDimensions', () => {
  it('adds each named attribute from the span, else the resource, and omits it when both lack it', () => {
    const options = { ...OPTIONS, spanDimensions: ['http.route', 'deployment.environment', 'tenant.tier'] };
    const result = spanMetrics(
      traces([
        span(1, attrs({ 'api.token': 'tok-1', 'http.route': '/users/:id', 'deployment.environment': 'canary' })),
        span(1, attrs({ 'api.token': 'tok-1', 'http.route': '/users/:id' })),
        span(1, attrs({ 'api.token': 'tok-1', 'user.id': 'u-1' })),
      ]),
      options,
    );
    const points = metricsOf(result.metrics)[0].sum!.dataPoints.map((p) => [keysAndValues(p.attributes), p.asInt]);
    const base = { 'service.name': 'api', 'span.name': 'GET /users', 'span.kind': 'SPAN_KIND_SERVER', 'status.code': 'STATUS_CODE_UNSET', 'api.token': 'tok-1' };
    assert.deepEqual(points, [
      [{ ...base, 'http.route': '/users/:id', 'deployment.environment': 'canary' }, 1n],
      [{ ...base, 'http.route': '/users/:id', 'deployment.environment': 'prod' }, 1n],
      [{ ...base, 'deployment.environment': 'prod' }, 1n],
    ]);
  });

  it('keeps values of different types and absent values apart, and takes non-scalar values as absent', () => {
    const options = { ...OPTIONS, spanDimensions: ['code'] };
    const values: KeyValue[][] = [
      [{ key: 'code', value: { stringValue: '200' } }],
      [{ key: 'code', value: { intValue: 200n } }],
      [{ key: 'code', value: { arrayValue: { values: [{ stringValue: 'x' }] } } }],
      [],
    ];
    const result = spanMetrics(traces(values.map((extra) => span(1, [...attrs({ 'api.token': 'tok-1' }), ...extra]))), options);
    const points = metricsOf(result.metrics)[0].sum!.dataPoints;
    assert.deepEqual(points.map((p) => [p.attributes.find((a) => a.key === 'code')?.value, p.asInt]), [
      [{ stringValue: '200' }, 1n],
      [{ intValue: 200n }, 1n],
      [undefined, 2n],
    ]);
  });

  it('refuses dimension names that are empty, built in, the token attribute or repeated', () => {
    assert.throws(() => validateSpanMetricsOptions({ ...OPTIONS, spanDimensions: [''] }), /spanDimensions is empty/);
    assert.throws(() => validateSpanMetricsOptions({ ...OPTIONS, spanDimensions: ['span.name'] }), /spanDimensions span.name is always a dimension/);
    assert.throws(() => validateSpanMetricsOptions({ ...OPTIONS, spanDimensions: ['api.token'] }), /is the token attribute/);
    assert.throws(() => validateSpanMetricsOptions({ ...OPTIONS, spanDimensions: ['a', 'a'] }), /spanDimensions a is given twice/);
  });
});

describe('spanMetrics: spanKinds', () => {
  it('counts only the kinds asked for and reports the others as skipped, not rejected', () => {
    const spans = [span(1, undefined, SpanKind.SERVER), span(1, undefined, SpanKind.CLIENT), span(1, undefined, SpanKind.INTERNAL), span(1, undefined, 42)];
    const all = spanMetrics(traces(spans), OPTIONS);
    assert.deepEqual([all.counted, all.skipped], [4, 0]);
    const servers = spanMetrics(traces(spans), { ...OPTIONS, spanKinds: parseSpanKinds('SPAN_KIND_SERVER,SPAN_KIND_UNSPECIFIED') });
    assert.deepEqual([servers.counted, servers.skipped, servers.invalid, servers.untokened], [2, 2, 0, 0]);
    const kinds = metricsOf(servers.metrics)[0].sum!.dataPoints.map((p) => keysAndValues(p.attributes)['span.kind']);
    assert.deepEqual(kinds, ['SPAN_KIND_SERVER', 'SPAN_KIND_UNSPECIFIED']);
  });

  it('parses kind names as the span.kind dimension writes them, refusing others', () => {
    assert.deepEqual(parseSpanKinds('SPAN_KIND_SERVER, SPAN_KIND_CLIENT,SPAN_KIND_SERVER'), [2, 3]);
    assert.throws(() => parseSpanKinds('SPAN_KIND_SERVER,server'), /^DpConfigError: spanKinds has "server", must be a comma-separated list of SPAN_KIND_UNSPECIFIED, SPAN_KIND_INTERNAL/);
    assert.throws(() => parseSpanKinds(''), /spanKinds has ""/);
  });
});

describe('spanMetrics: exponential duration histogram', () => {
  it('writes an exponential histogram at scale 3 whose buckets hold each duration, with zero durations in the zero bucket', () => {
    const durations = [0, 1, 1.5, 3, 100, 100, 2500];
    const result = spanMetrics(traces(durations.map((ms) => span(ms))), { ...OPTIONS, durationHistogram: 'exponential' });
    const duration = metricsOf(result.metrics)[1];
    assert.equal(duration.name, SPAN_DURATION_METRIC);
    assert.equal(duration.unit, 'ms');
    assert.equal(duration.histogram, undefined);
    const point = duration.exponentialHistogram!.dataPoints[0];
    assert.deepEqual([point.scale, point.count, point.zeroCount, point.sum], [3, 7n, 1n, 2705.5]);
    const base = 2 ** (1 / 8);
    const positive = point.positive!;
    assert.equal(positive.bucketCounts.reduce((a, b) => a + b, 0n), 6n);
    // Each bucket holds exactly the durations in (base^index, base^(index+1)].
    positive.bucketCounts.forEach((count, i) => {
      const index = positive.offset + i;
      const inside = durations.filter((ms) => ms > base ** index * (1 + 1e-12) && ms <= base ** (index + 1) * (1 + 1e-12)).length;
      assert.equal(Number(count), inside, `bucket ${index}`);
    });
    // 1 ms lies on a bound: OTLP's buckets include their upper bound, so it is in bucket −1, (2^(−1/8), 1].
    assert.equal(positive.offset, -1);
  });

  it('downscales a point whose buckets would pass exponentialMaxBuckets, as the connector does', () => {
    const result = spanMetrics(traces([span(0.001), span(1_000_000)]), { ...OPTIONS, durationHistogram: 'exponential', exponentialMaxBuckets: 20 });
    const point = metricsOf(result.metrics)[1].exponentialHistogram!.dataPoints[0];
    assert.ok(point.positive!.bucketCounts.length <= 20, String(point.positive!.bucketCounts.length));
    // log2 spans about 30 between the two: 8 buckets per power of two would need about 240, 0.5 per power (scale −1) 15.
    assert.equal(point.scale, -1);
    assert.equal(point.positive!.bucketCounts.reduce((a, b) => a + b, 0n), 2n);
  });

  it('through the DpProcessor: the released count equals the calls with negligible noise', async () => {
    const clock = manualClock(T0 + 10);
    const sink = new MetricsSink();
    const processor = new DpProcessor(exactConfig({ clip: [{ pattern: '*', lower: 0, upper: 20_000 }] }), sink, { now: clock.now, noiseSampler: noNoise });
    await processor.start();
    const spans = Array.from({ length: 12 }, (_, i) => span(5 + 40 * i, attrs({ 'api.token': `tok-${i % 4}` })));
    await processor.consume(spanMetrics(traces(spans), { ...OPTIONS, durationHistogram: 'exponential' }).metrics);
    clock.set(T0 + 1000);
    await processor.flush();
    const released = sink.releases.flatMap((r) => metricsOf(r.request)).find((m) => m.name === SPAN_DURATION_METRIC)!;
    const point = released.exponentialHistogram!.dataPoints[0];
    assert.equal(Math.round(Number(point.count)), 12);
    await processor.shutdown();
  });

  it('refuses a scale or bucket count outside what the processor releases', () => {
    assert.throws(() => validateSpanMetricsOptions({ ...OPTIONS, exponentialScale: 21 }), /span duration scale is 21/);
    assert.throws(() => validateSpanMetricsOptions({ ...OPTIONS, exponentialMaxBuckets: 0 }), /span duration buckets is 0/);
  });
});

describe('spanMetrics: times and weights', () => {
  it('counts a span lasting more than a week as invalid, and a sampled span once whatever its weight', () => {
    const long = span(8 * 24 * 3600 * 1000);
    const result = spanMetrics(traces([long, span(3)]), OPTIONS);
    assert.deepEqual([result.counted, result.invalid], [1, 1]);
    // The decoder keeps no trace state, so a span's `th` weight cannot reach the count: one span, one call.
    assert.equal(metricsOf(result.metrics)[0].sum!.dataPoints[0].asInt, 1n);
  });
});
