import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, StatusCode, decodeTraceRequest, encodeTraceRequest, type ExportMetricsServiceRequest, type ExportTraceServiceRequest, type Span } from '@otel-dp/otlp';
import { DpProcessor, spanMetrics, type DpProcessorConfig, type SpanMetricsConfig } from '../src/index.js';
import { MetricsSink, noNoise } from '../src/testing.js';
import { MS, exactConfig, manualClock, span, traces } from './builders.js';

// The sidecar hands spans to `DpProcessor.traces`, which writes their span
// metrics straight into the window; `simulate`, `plan` and the privacy
// audit build them as requests with `spanMetrics()`. These tests hold the
// two ways to the same windows: the same releases (bytes), the same intake
// counts, and the same spans reported as rejected where the request way
// can know them.

const T0 = 1_700_000_000_000;
const WINDOW = 1000;

/**
 * Negligible noise, and nothing that draws randomness in an order the two
 * ways may differ in (series are met in another order): k above any
 * token's groups, so none is sampled away, and durations in eighths of a
 * millisecond, which the release grid holds exactly.
 */
function sameConfig(overrides: Partial<DpProcessorConfig> = {}): DpProcessorConfig {
  return exactConfig({ maxSeriesPerToken: 200, ...overrides });
}

interface Outcome {
  releases: string[];
  stats: string;
  rejected: number[];
  messages: string[];
}

/** `selected`: the direct way, each request first encoded and decoded with the span attributes `traces` says it reads, as the receiver does. */
type Way = 'direct' | 'selected' | 'requests';

/** Each batch of requests into one window of its own, through one way, released with no noise. */
async function run(way: Way, windows: ExportTraceServiceRequest[][], config: DpProcessorConfig, spans: SpanMetricsConfig = {}): Promise<Outcome> {
  const clock = manualClock(T0 + 10);
  const sink = new MetricsSink();
  const processor = new DpProcessor(config, sink, { now: clock.now, noiseSampler: noNoise, spans });
  await processor.start();
  const outcome: Outcome = { releases: [], stats: '', rejected: [], messages: [] };
  for (const [w, requests] of windows.entries()) {
    clock.set(T0 + 10 + w * WINDOW);
    for (const request of requests) {
      if (way !== 'requests') {
        const keys = processor.traces.spanAttributes!;
        const taken = way === 'direct' ? request : decodeTraceRequest(encodeTraceRequest(request), { spanAttributes: { keys, maxSkippedBytes: 4096 } });
        const result = await processor.traces.consume(taken);
        outcome.rejected.push(result.rejectedSpans);
        outcome.messages.push(result.errorMessage);
      } else {
        const metrics = spanMetrics(request, { ...spans, tokenAttribute: config.tokenAttribute, untokened: config.untokened, timeUnixNano: BigInt(clock.now()) * MS });
        if (metrics.counted > 0) await processor.consume(metrics.metrics);
      }
    }
  }
  clock.set(T0 + 10 + windows.length * WINDOW);
  await processor.flush();
  await processor.shutdown();
  outcome.releases = sink.releases.map((release) => canonical(release.request));
  outcome.stats = JSON.stringify(processor.stats, (_key, value) => (value instanceof Map ? [...value] : value));
  return outcome;
}

/**
 * A release as text, its metrics by name and their points by attributes:
 * the order of series follows the order in which intake first met them,
 * which differs between the two ways and means nothing.
 */
function canonical(request: ExportMetricsServiceRequest): string {
  const text = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  const metrics = request.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => ({ resource: r.resource, scope: s.scope, metric: m }))));
  return text(
    metrics
      .map(({ resource, scope, metric }) => {
        const { sum, histogram, exponentialHistogram, ...identity } = metric;
        const data = sum ?? histogram ?? exponentialHistogram;
        const points = (data?.dataPoints ?? []).map((point) => text(point)).sort();
        return text({ resource, scope, identity, data: { ...data, dataPoints: points } });
      })
      .sort(),
  );
}

/** Spans of `tokens` tokens on two routes, errors on some, durations over every bucket and past the last. */
function busyRequests(tokens: number, extra: Record<string, string> = {}): ExportTraceServiceRequest[] {
  const durations = [0, 0.5, 2, 3, 7, 9.875, 40, 99, 150, 399, 700, 999, 1300, 1999, 4000, 9000, 14_000, 15_000, 60_000];
  const spans: Span[] = [];
  for (let i = 0; i < 120; i++) {
    const token = `tok-${i % tokens}`;
    spans.push(
      span({
        name: i % 3 === 0 ? 'POST /orders' : 'GET /users/{id}',
        kind: i % 7 === 0 ? SpanKind.CLIENT : SpanKind.SERVER,
        status: i % 5 === 0 ? StatusCode.ERROR : i % 11 === 0 ? StatusCode.OK : StatusCode.UNSET,
        ms: durations[i % durations.length],
        attributes: { 'api.token': token, 'http.route': i % 2 === 0 ? '/a' : '/b', ...extra },
      }),
    );
  }
  const untokened = span({});
  const backwards = { ...span({ attributes: { 'api.token': 'tok-0' } }) };
  backwards.endTimeUnixNano = backwards.startTimeUnixNano - 1n;
  return [traces(spans.slice(0, 60)), traces([...spans.slice(60), untokened, backwards], { 'service.name': 'billing', 'deployment.environment': 'prod' })];
}

async function bothWays(windows: ExportTraceServiceRequest[][], config: DpProcessorConfig, spans: SpanMetricsConfig = {}): Promise<{ direct: Outcome; requests: Outcome }> {
  const direct = await run('direct', windows, config, spans);
  const requests = await run('requests', windows, config, spans);
  assert.ok(direct.releases.length > 0, 'nothing was released');
  assert.deepEqual(direct.releases, requests.releases);
  assert.equal(direct.stats, requests.stats);
  return { direct, requests };
}

describe('DpProcessor.traces', () => {
  it('reads of a span only the token and the extra dimensions: spans decoded with only those release the same', async () => {
    const spans = { spanDimensions: ['http.route', 'deployment.environment'] };
    const windows = [busyRequests(7, { 'url.path': '/a/1234', 'user_agent.original': 'client/1.0' }), busyRequests(5)];
    const direct = await run('direct', windows, sameConfig(), spans);
    const selected = await run('selected', windows, sameConfig(), spans);
    assert.ok(direct.releases.length > 0, 'nothing was released');
    assert.deepEqual(selected, direct);
    const processor = new DpProcessor(sameConfig(), new MetricsSink(), { spans });
    assert.deepEqual(processor.traces.spanAttributes, ['api.token', 'http.route', 'deployment.environment']);
  });

  it('releases what the span metrics requests of the same spans release, window after window', async () => {
    const { direct } = await bothWays([busyRequests(7), busyRequests(5), []], sameConfig());
    assert.deepEqual(direct.rejected, [0, 2, 0, 2]);
    assert.match(direct.messages[1], /^1 spans without the api\.token attribute were dropped; 1 spans ending before they start or lasting more than a week were dropped$/);
  });

  it('does so with extra dimensions, found on the span or else the resource, and with kinds left out', async () => {
    const spans = { spanDimensions: ['http.route', 'deployment.environment'], spanKinds: [SpanKind.SERVER] };
    await bothWays([busyRequests(6), busyRequests(4)], sameConfig(), spans);
  });

  it('does so with the bounds given, and a window that holds its most tokens: the spans refused are those of the tokens refused', async () => {
    const { direct } = await bothWays([[busyRequests(8)[0]]], sameConfig({ maxTokens: 3 }), { durationBoundsMs: [1, 10, 100] });
    // Tokens are met in the same order both ways; the 60 spans of 8 tokens are spread evenly, so tokens 3 to 7 had 8 + 4 × 7 = 36 of them.
    assert.equal(direct.rejected[0], 36);
    assert.match(direct.messages[0], /^36 spans were dropped with their span metrics: \d+ data points were dropped because the window holds its most tokens, series or \(token, series\) entries$/);
  });

  it('counts exactly the spans whose points find no room, and the points of each group once per request', async () => {
    const clock = manualClock(T0 + 10);
    const processor = new DpProcessor(exactConfig({ maxTokens: 2, maxSeries: 2 }), new MetricsSink(), { now: clock.now, noiseSampler: noNoise });
    await processor.start();
    const spec = (token: string, name: string) => span({ name, attributes: { 'api.token': token } });
    // GET /a is two series (calls and duration), which fill the window: GET /b finds none, tok-c no entry.
    const spans = [spec('tok-a', 'GET /a'), spec('tok-a', 'GET /b'), spec('tok-b', 'GET /a'), spec('tok-a', 'GET /a'), spec('tok-c', 'GET /a'), spec('tok-b', 'GET /a'), spec('tok-a', 'GET /b')];
    const result = await processor.traces.consume(traces(spans));
    assert.equal(result.rejectedSpans, 3);
    assert.match(result.errorMessage, /^3 spans were dropped with their span metrics: 4 data points were dropped because the window holds its most tokens, series or \(token, series\) entries$/);
    // Four groups of two points: those of (tok-a, GET /a) and (tok-b, GET /a) taken.
    assert.equal(processor.stats.acceptedPoints, 4);
    await processor.shutdown();
  });

  it('refuses, with public values declared, the points whose series strings contain their token, as intake does', async () => {
    const config = sameConfig({ publicAttributes: { 'span.name': ['GET /users/{id}', 'POST /orders', 'GET /tok-3'] } });
    const request = traces([...busyRequests(4)[0].resourceSpans[0].scopeSpans[0].spans, span({ name: 'GET /tok-3', attributes: { 'api.token': 'tok-3' } })]);
    const { direct } = await bothWays([[request]], config);
    assert.equal(direct.rejected[0], 1);
    assert.match(direct.messages[0], /2 data points were dropped because a series attribute, scope or metric string contains their token/);
  });

  it('passes untokened spans and writes exponential durations by way of span metrics requests', async () => {
    const passing = await bothWays([busyRequests(5)], sameConfig({ untokened: 'pass' }));
    assert.deepEqual(passing.direct.rejected, [0, 1]);
    await bothWays([busyRequests(5)], sameConfig(), { durationHistogram: 'exponential' });
  });
});
