import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMetricsRequest, SpanKind, StatusCode, type ExportTraceServiceRequest, type KeyValue, type Metric, type Span } from '@otel-dp/otlp';
import {
  DEFAULT_SPAN_DURATION_BOUNDS_MS,
  DpProcessor,
  SPAN_CALLS_METRIC,
  SPAN_DURATION_METRIC,
  spanMetrics,
  type SpanMetricsOptions,
} from '../src/index.js';
import { MetricsSink, noNoise } from '../src/testing.js';
import { MS, exactConfig, manualClock, span, traces } from './builders.js';

const T0 = 1_700_000_000_000;
const NOW = BigInt(T0 + 10) * MS;
const OPTIONS: SpanMetricsOptions = { tokenAttribute: 'api.token', untokened: 'drop', timeUnixNano: NOW };
function metricsOf(request: ReturnType<typeof spanMetrics>['metrics']): Metric[] {
  return request.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
}

function attributeMap(attributes: KeyValue[]): Record<string, string | undefined> {
  return Object.fromEntries(attributes.map((a) => [a.key, a.value.stringValue]));
}

describe('spanMetrics', () => {
  it('counts each group of a token with many span names once per span, request after request', () => {
    // Forty names, kinds and statuses for one token: more groups than a token's slots compared in place, so the rest are found by key.
    const specs = Array.from({ length: 40 }, (_, i) => ({ name: `GET /r${i}`, kind: i % 2 === 0 ? SpanKind.SERVER : SpanKind.CLIENT, status: i % 3 === 0 ? StatusCode.ERROR : StatusCode.UNSET, attributes: { 'api.token': 'tok-many' } }));
    for (let request = 0; request < 2; request++) {
      const result = spanMetrics(traces([...specs, ...specs, ...specs].map(span)), OPTIONS);
      assert.equal(result.counted, 120);
      const [calls] = metricsOf(result.metrics);
      const points = calls.sum!.dataPoints;
      assert.equal(points.length, 40);
      assert.deepEqual(new Set(points.map((p) => attributeMap(p.attributes)['span.name'])).size, 40);
      for (const point of points) assert.equal(point.asInt, 3n);
    }
  });

  it("writes the connector's names, units, temporality, dimensions and default bounds", () => {
    const tokened = { attributes: { 'api.token': 'tok-1' } };
    const result = spanMetrics(traces([span({ ...tokened, ms: 3 }), span({ ...tokened, ms: 120 }), span({ ...tokened, status: StatusCode.ERROR, kind: SpanKind.CLIENT, ms: 7 })]), OPTIONS);
    assert.deepEqual({ counted: result.counted, untokened: result.untokened, invalid: result.invalid }, { counted: 3, untokened: 0, invalid: 0 });
    const [calls, duration] = metricsOf(result.metrics);
    assert.equal(calls.name, 'traces.span.metrics.calls');
    assert.equal(calls.unit, '');
    assert.deepEqual({ temporality: calls.sum?.aggregationTemporality, monotonic: calls.sum?.isMonotonic }, { temporality: 1, monotonic: true });
    assert.equal(duration.name, 'traces.span.metrics.duration');
    assert.equal(duration.unit, 'ms');
    assert.equal(duration.histogram?.aggregationTemporality, 1);
    assert.deepEqual(DEFAULT_SPAN_DURATION_BOUNDS_MS, [2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000]);

    const points = calls.sum!.dataPoints;
    assert.deepEqual(points.map((p) => [attributeMap(p.attributes), p.asInt]), [
      [{ 'service.name': 'api', 'span.name': 'GET /users', 'span.kind': 'SPAN_KIND_SERVER', 'status.code': 'STATUS_CODE_UNSET', 'api.token': 'tok-1' }, 2n],
      [{ 'service.name': 'api', 'span.name': 'GET /users', 'span.kind': 'SPAN_KIND_CLIENT', 'status.code': 'STATUS_CODE_ERROR', 'api.token': 'tok-1' }, 1n],
    ]);
    const [server, client] = duration.histogram!.dataPoints;
    assert.equal(server.count, 2n);
    assert.equal(server.sum, 123);
    assert.deepEqual(server.explicitBounds, DEFAULT_SPAN_DURATION_BOUNDS_MS);
    assert.deepEqual(server.bucketCounts.map(Number), [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(client.bucketCounts.map(Number), [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    for (const p of [...points, server, client]) {
      assert.equal(p.startTimeUnixNano, NOW);
      assert.equal(p.timeUnixNano, NOW);
      assert.deepEqual(p.exemplars, []);
    }
  });

  it('puts a duration on a bound into the bucket it closes, and past the last bound into the overflow bucket', () => {
    const t = { attributes: { 'api.token': 'tok-1' } };
    const result = spanMetrics(traces([span({ ...t, ms: 2 }), span({ ...t, ms: 2.000001 }), span({ ...t, ms: 0 }), span({ ...t, ms: 15_000 }), span({ ...t, ms: 15_000.5 })]), OPTIONS);
    const [duration] = metricsOf(result.metrics).filter((m) => m.name === SPAN_DURATION_METRIC);
    const counts = duration.histogram!.dataPoints[0].bucketCounts.map(Number);
    assert.deepEqual([counts[0], counts[1], counts[15], counts[16]], [2, 1, 1, 1]);
  });

  it('takes other bounds, and refuses bounds that are not strictly increasing', () => {
    const t = { attributes: { 'api.token': 'tok-1' } };
    const result = spanMetrics(traces([span({ ...t, ms: 0.5 }), span({ ...t, ms: 5 })]), { ...OPTIONS, durationBoundsMs: [1] });
    const point = metricsOf(result.metrics)[1].histogram!.dataPoints[0];
    assert.deepEqual([point.explicitBounds, point.bucketCounts], [[1], [1n, 1n]]);
    assert.throws(() => spanMetrics(traces([]), { ...OPTIONS, durationBoundsMs: [1, 1] }), /^DpConfigError: span duration bound 1 is 1, bounds must be finite and strictly increasing$/);
    assert.throws(() => spanMetrics(traces([]), { ...OPTIONS, durationBoundsMs: [NaN] }), /bound 0 is NaN/);
  });

  it('names every kind and status as the connector does, unknown values as unspecified and unset', () => {
    const t = { 'api.token': 'tok-1' };
    const kinds = [0, 1, 2, 3, 4, 5, 9].map((kind) => span({ kind, name: `k${kind}`, attributes: t }));
    const statuses = [0, 1, 2, 7].map((status) => span({ status, name: `s${status}`, attributes: t }));
    const points = metricsOf(spanMetrics(traces([...kinds, ...statuses]), OPTIONS).metrics)[0].sum!.dataPoints.map((p) => attributeMap(p.attributes));
    assert.deepEqual(points.slice(0, 7).map((p) => p['span.kind']), ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER', 'SPAN_KIND_UNSPECIFIED']);
    assert.deepEqual(points.slice(7).map((p) => p['status.code']), ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR', 'STATUS_CODE_UNSET']);
  });

  it('finds the token on the span, then the scope, then the resource, and keeps tokens apart', () => {
    const onSpan = span({ attributes: { 'api.token': 'tok-span' } });
    const onScope = span({});
    const request = traces([onSpan, onScope], { 'service.name': 'api', 'api.token': 'tok-resource' }, { 'api.token': 'tok-scope' });
    const tokens = metricsOf(spanMetrics(request, OPTIONS).metrics)[0].sum!.dataPoints.map((p) => attributeMap(p.attributes)['api.token']);
    assert.deepEqual(tokens, ['tok-span', 'tok-scope']);
    const onResource = metricsOf(spanMetrics(traces([span({})], { 'api.token': 7 }), OPTIONS).metrics)[0].sum!.dataPoints;
    assert.deepEqual(attributeMap(onResource[0].attributes), { 'service.name': 'unknown_service', 'span.name': 'GET /users', 'span.kind': 'SPAN_KIND_SERVER', 'status.code': 'STATUS_CODE_UNSET', 'api.token': '7' });
  });

  it('counts untokened spans: dropped under drop, produced without a token under pass; refuses spans ending before they start', () => {
    const backwards = span({ attributes: { 'api.token': 'tok-1' } });
    backwards.endTimeUnixNano = backwards.startTimeUnixNano - 1n;
    const request = traces([span({}), span({ attributes: { 'api.token': '' } }), span({ attributes: { 'api.token': 'tok-1' } }), backwards]);
    const dropped = spanMetrics(request, OPTIONS);
    assert.deepEqual({ counted: dropped.counted, untokened: dropped.untokened, invalid: dropped.invalid }, { counted: 1, untokened: 2, invalid: 1 });
    assert.equal(metricsOf(dropped.metrics)[0].sum!.dataPoints.length, 1);
    const passed = spanMetrics(request, { ...OPTIONS, untokened: 'pass' });
    assert.deepEqual({ counted: passed.counted, untokened: passed.untokened, invalid: passed.invalid }, { counted: 3, untokened: 2, invalid: 1 });
    const untokenedPoint = metricsOf(passed.metrics)[0].sum!.dataPoints.find((p) => !p.attributes.some((a) => a.key === 'api.token'));
    assert.equal(untokenedPoint?.asInt, 2n);
    assert.deepEqual(spanMetrics(traces([span({})]), OPTIONS).metrics, { resourceMetrics: [] });
  });

  it('neighbouring inputs: one token more or less changes only that token’s points, and no id or other span data is ever output', () => {
    const others = [1, 2, 3].flatMap((i) => [span({ attributes: { 'api.token': `tok-${i}` } }), span({ attributes: { 'api.token': `tok-${i}` }, status: StatusCode.ERROR, ms: 40 })]);
    const target = [span({ attributes: { 'api.token': 'tok-target' }, ms: 900 }), span({ attributes: { 'api.token': 'tok-target' }, name: 'POST /secret-route' })];
    const without = spanMetrics(traces(others), OPTIONS).metrics;
    const withTarget = spanMetrics(traces([...others.slice(0, 3), ...target, ...others.slice(3)]), OPTIONS).metrics;
    const notTarget = (m: Metric) => m.sum?.dataPoints.filter((p) => attributeMap(p.attributes)['api.token'] !== 'tok-target') ?? m.histogram!.dataPoints.filter((p) => attributeMap(p.attributes)['api.token'] !== 'tok-target');
    assert.deepEqual(metricsOf(withTarget).map(notTarget), metricsOf(without).map(notTarget));

    // Once the token attribute is removed (as the processor does before release), nothing of a span is left but the dimensions.
    const all = [...others, ...target];
    const output = metricsOf(withTarget);
    for (const m of output) for (const p of m.sum?.dataPoints ?? m.histogram!.dataPoints) p.attributes = p.attributes.filter((a) => a.key !== 'api.token');
    const encoded = Buffer.from(encodeMetricsRequest(withTarget));
    for (const s of all) {
      assert.equal(encoded.indexOf(Buffer.from(s.traceId)), -1, 'a trace id reached the output');
      assert.equal(encoded.indexOf(Buffer.from(s.spanId)), -1, 'a span id reached the output');
      for (const time of [s.startTimeUnixNano, s.endTimeUnixNano]) {
        const le = Buffer.alloc(8);
        le.writeBigUInt64LE(time);
        assert.equal(encoded.indexOf(le), -1, 'a span time reached the output');
      }
    }
    for (const text of ['tok-', 'api.token', 'u-42', 'user.id', 'http.route', 'node-7', 'host.name']) {
      assert.equal(encoded.indexOf(text), -1, `${text} reached the output`);
    }
    const keys = new Set(output.flatMap((m) => (m.sum?.dataPoints ?? m.histogram!.dataPoints).flatMap((p) => p.attributes.map((a) => a.key))));
    assert.deepEqual([...keys].sort(), ['service.name', 'span.kind', 'span.name', 'status.code']);
  });

  it('through the DpProcessor: released calls, errors and duration counts equal the truth with negligible noise, with no token', async () => {
    const clock = manualClock(T0 + 10);
    const sink = new MetricsSink();
    const processor = new DpProcessor(exactConfig(), sink, { now: clock.now, noiseSampler: noNoise });
    await processor.start();
    const spans: Span[] = [];
    for (let t = 1; t <= 6; t++) {
      spans.push(span({ attributes: { 'api.token': `tok-${t}` }, ms: 5 }));
      spans.push(span({ attributes: { 'api.token': `tok-${t}` }, ms: 300 }));
      if (t % 2 === 0) spans.push(span({ attributes: { 'api.token': `tok-${t}` }, status: StatusCode.ERROR, ms: 30 }));
    }
    await processor.consume(spanMetrics(traces(spans), OPTIONS).metrics);
    clock.set(T0 + 1000);
    await processor.flush();
    const released = sink.releases.flatMap((r) => metricsOf(r.request));
    const calls = released.find((m) => m.name === SPAN_CALLS_METRIC)!.sum!.dataPoints;
    const byStatus = new Map(calls.map((p) => [attributeMap(p.attributes)['status.code'], Math.round(p.asDouble ?? Number(p.asInt))]));
    assert.deepEqual(byStatus, new Map([['STATUS_CODE_UNSET', 12], ['STATUS_CODE_ERROR', 3]]));
    const durations = released.find((m) => m.name === SPAN_DURATION_METRIC)!.histogram!.dataPoints;
    const unset = durations.find((p) => attributeMap(p.attributes)['status.code'] === 'STATUS_CODE_UNSET')!;
    assert.equal(Math.round(Number(unset.count)), 12);
    const text = JSON.stringify(sink.releases, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
    assert.ok(!text.includes('tok-') && !text.includes('api.token'), 'the token reached the release');
    await processor.shutdown();
  });
});
