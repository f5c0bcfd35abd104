import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countSpans,
  countTraceMessages,
  decodeTraceRequest,
  decodeTraceRequestJson,
  encodeTraceRequest,
  encodeTraceRequestJson,
  MAX_SPAN_DURATION_NANOS,
  OtlpAttributeLimitError,
  spanTimeFault,
  SpanKind,
  StatusCode,
  type ExportTraceServiceRequest,
  type Span,
} from '../src/index.js';

function span(i: number, attributes = 2): Span {
  return {
    traceId: Uint8Array.from({ length: 16 }, (_, j) => (i + j) & 0xff),
    spanId: Uint8Array.from({ length: 8 }, (_, j) => (i * 3 + j) & 0xff),
    name: `GET /r${i}`,
    kind: SpanKind.SERVER,
    startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(i),
    endTimeUnixNano: 1_700_000_000_250_000_000n + BigInt(i),
    attributes: Array.from({ length: attributes }, (_, j) => ({ key: `k${j}`, value: { stringValue: `v${j}` } })),
    statusCode: i % 2 === 0 ? StatusCode.ERROR : StatusCode.UNSET,
  };
}

function request(resources: number, scopes: number, spans: number, attributes = 2): ExportTraceServiceRequest {
  return {
    resourceSpans: Array.from({ length: resources }, (_, r) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: `svc${r}` } }], droppedAttributesCount: 0 },
      scopeSpans: Array.from({ length: scopes }, (_, s) => ({
        scope: { name: `lib${s}`, version: '1', attributes: [], droppedAttributesCount: 0 },
        spans: Array.from({ length: spans }, (_, i) => span(i, attributes)),
      })),
    })),
  };
}

describe('trace request encoders', () => {
  it('protobuf and OTLP/JSON both decode back to the request encoded', () => {
    const original = request(2, 2, 3);
    assert.deepEqual(decodeTraceRequest(encodeTraceRequest(original)), original);
    assert.deepEqual(decodeTraceRequestJson(encodeTraceRequestJson(original)), original);
  });

  it('writes ids as lowercase hex in OTLP/JSON', () => {
    const json = JSON.parse(encodeTraceRequestJson(request(1, 1, 1))) as { resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string }[] }[] }[] };
    const first = json.resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(first.traceId, '000102030405060708090a0b0c0d0e0f');
    assert.equal(first.spanId, '0001020304050607');
  });
});

describe('countTraceMessages and countSpans', () => {
  it('counts resource spans, scope spans and spans, and stops just past the limit', () => {
    const bytes = encodeTraceRequest(request(2, 3, 4));
    assert.equal(countTraceMessages(bytes, 1000), 2 + 6 + 24);
    assert.equal(countTraceMessages(bytes, 5), 6);
    assert.equal(countSpans(request(2, 3, 4)), 24);
  });

  it('never throws on malformed framing', () => {
    const bytes = encodeTraceRequest(request(1, 1, 3));
    for (let cut = 0; cut < bytes.length; cut++) assert.ok(countTraceMessages(bytes.subarray(0, cut), 100) <= 5);
  });
});

describe('decodeTraceRequest limits', () => {
  it('stops at the first span attribute list past maxAttributesPerList', () => {
    assert.equal(decodeTraceRequest(encodeTraceRequest(request(1, 1, 2, 20)), { maxAttributesPerList: 20 }).resourceSpans[0].scopeSpans[0].spans.length, 2);
    // Other values than above: a list decoded before comes from the decoder's cache, which the receiver's later check covers.
    assert.throws(
      () => decodeTraceRequest(encodeTraceRequest(request(1, 1, 2, 21)), { maxAttributesPerList: 20 }),
      (error: unknown) => error instanceof OtlpAttributeLimitError && error.field === 'Span.attributes' && !error.message.includes('v1'),
    );
  });
});

describe('spanTimeFault', () => {
  it('tells spans that end before they start and spans longer than a week from usable ones', () => {
    assert.equal(spanTimeFault({ startTimeUnixNano: 10n, endTimeUnixNano: 9n }), 'ends-before-start');
    assert.equal(spanTimeFault({ startTimeUnixNano: 10n, endTimeUnixNano: 10n }), undefined);
    assert.equal(spanTimeFault({ startTimeUnixNano: 0n, endTimeUnixNano: MAX_SPAN_DURATION_NANOS }), undefined);
    assert.equal(spanTimeFault({ startTimeUnixNano: 0n, endTimeUnixNano: MAX_SPAN_DURATION_NANOS + 1n }), 'too-long');
    assert.equal(spanTimeFault({ startTimeUnixNano: 0n, endTimeUnixNano: 1_700_000_000_000_000_000n }), 'too-long');
  });
});
