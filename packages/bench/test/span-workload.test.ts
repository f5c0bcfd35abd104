import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countSpans, decodeTraceRequest, SpanKind, StatusCode, type Span } from '@otel-dp/otlp';
import { SPAN_DURATION_METRIC, spanMetrics } from '@otel-dp/processor-dp';
import { nextBody } from '../src/payloads.js';
import { encodeSpanPayloads } from '../src/span-payloads.js';
import { buildSpanWorkload, DEFAULT_SPAN_WORKLOAD } from '../src/span-workload.js';
import { TOKEN_ATTRIBUTE } from '../src/workload.js';

const requests = buildSpanWorkload();
const allSpans = requests.flatMap((request) => request.resourceSpans[0].scopeSpans[0].spans);
const tokenOf = (span: Span) => span.attributes.find((a) => a.key === TOKEN_ATTRIBUTE)?.value.stringValue;
const statusOf = (span: Span) => span.attributes.find((a) => a.key === 'http.response.status_code')?.value.intValue;

describe('buildSpanWorkload', () => {
  it('builds 20 requests of 1,000 tokened server spans from 2,000 tokens, a thousand distinct tokens in each request', () => {
    assert.equal(requests.length, DEFAULT_SPAN_WORKLOAD.requests);
    for (const request of requests) {
      assert.equal(countSpans(request), 1000);
      assert.equal(new Set(request.resourceSpans[0].scopeSpans[0].spans.map(tokenOf)).size, 1000);
    }
    assert.equal(new Set(allSpans.map(tokenOf)).size, 2000);
    assert.ok(allSpans.every((span) => span.kind === SpanKind.SERVER && tokenOf(span) !== undefined));
    assert.equal(new Set(allSpans.map((span) => span.name)).size, 6);
  });

  it('fails a few requests with 500 and status ERROR, and gives each token three span metrics groups', () => {
    const failed = allSpans.filter((span) => span.statusCode === StatusCode.ERROR);
    assert.ok(failed.length > 0.03 * allSpans.length && failed.length < 0.1 * allSpans.length, `${failed.length} failed spans`);
    assert.ok(failed.every((span) => statusOf(span) === 500n));
    assert.ok(allSpans.filter((span) => span.statusCode !== StatusCode.ERROR).every((span) => statusOf(span) === 200n));
    const groups = new Map<string, Set<string>>();
    for (const span of allSpans) {
      const token = tokenOf(span)!;
      if (!groups.has(token)) groups.set(token, new Set());
      groups.get(token)!.add(`${span.name} ${span.statusCode}`);
    }
    assert.ok([...groups.values()].every((set) => set.size <= 3));
    assert.ok([...groups.values()].some((set) => set.size === 3));
  });

  it('spreads durations from under a millisecond to seconds, every span ending after it starts', () => {
    const millis = allSpans.map((span) => Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6);
    assert.ok(Math.min(...millis) < 1 && Math.max(...millis) > 1000);
    const result = spanMetrics(requests[0], { tokenAttribute: TOKEN_ATTRIBUTE, untokened: 'drop', timeUnixNano: 1n });
    assert.equal(result.counted, 1000);
    const histogram = result.metrics.resourceMetrics[0].scopeMetrics[0].metrics.find((m) => m.name === SPAN_DURATION_METRIC)!.histogram!;
    const used = new Set<number>();
    for (const point of histogram.dataPoints) point.bucketCounts.forEach((n, i) => n > 0n && used.add(i));
    assert.ok(used.size >= 8, `${used.size} duration buckets in use`);
  });
});

describe('encodeSpanPayloads', () => {
  it('encodes each request as an OTLP/HTTP protobuf body sent as built, counting its spans', () => {
    const payloads = encodeSpanPayloads(requests.slice(0, 2));
    assert.equal(payloads.transport, 'http-protobuf-spans');
    assert.deepEqual(payloads.points, [1000, 1000]);
    const decoded = decodeTraceRequest(payloads.bodies[1]);
    assert.deepEqual(decoded.resourceSpans[0].scopeSpans[0].spans.map(tokenOf), requests[1].resourceSpans[0].scopeSpans[0].spans.map(tokenOf));
    assert.deepEqual(decoded.resourceSpans[0].scopeSpans[0].spans[7], requests[1].resourceSpans[0].scopeSpans[0].spans[7]);
    assert.equal(nextBody(payloads, 1), payloads.bodies[1]);
    assert.equal(payloads.meanWireBytes, (payloads.bodies[0].length + payloads.bodies[1].length) / 2);
  });
});
