import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { status as GrpcCode } from '@grpc/grpc-js';
import { countMetricsMessages, encodeMetricsRequest } from '@otel-dp/otlp';
import { ReceiverBusyError, RequestBodyError } from '../../src/errors.js';
import { InflightBytes } from '../../src/inflight-bytes.js';
import { DECODED_BYTES_PER_MESSAGE, decodeWithinMessageLimit } from '../../src/message-limit.js';
import { startReceiver } from '../support/harness.js';
import { callHttp } from '../support/http-client.js';
import { grpcFrame, openGrpcSession, rawGrpcCall } from '../support/raw-grpc.js';

/**
 * Requests of many empty messages, 2 bytes each on the wire: 16 MiB of empty
 * ResourceMetrics decoded to 8.4 million objects, 652 MiB of heap, in 3.9 s,
 * before any limit looked at them. The receiver now counts messages before
 * decoding and refuses a request of more than `maxMessagesPerRequest`.
 */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
const MAX_MESSAGES = 10_000;
/**
 * What the heap may grow by while a refused request is handled: the 16 MiB
 * body, its copy on the way in, and the client's side in this process.
 * Decoded, the body alone is 652 MiB.
 */
const HEAP_GROWTH_BOUND = 96 * 1024 * 1024;

function emptyResourceMetrics(count: number): Uint8Array {
  const body = new Uint8Array(2 * count);
  for (let i = 0; i < body.length; i += 2) body[i] = 0x0a;
  return body;
}

function heapNow(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

describe('requests of many empty messages', () => {
  it('counts every kind of message the decoder makes an object of, and stops just past the limit', () => {
    const point = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, asDouble: 1, flags: 0, exemplars: [{ filteredAttributes: [], timeUnixNano: 0n, asDouble: 1, spanId: new Uint8Array(), traceId: new Uint8Array() }] };
    const body = encodeMetricsRequest({
      resourceMetrics: [
        { scopeMetrics: [{ metrics: [{ name: 'a', description: '', unit: '', metadata: [], gauge: { dataPoints: [point, point] } }], schemaUrl: '' }], schemaUrl: '' },
        { scopeMetrics: [], schemaUrl: '' },
      ],
    });
    // 2 ResourceMetrics, 1 ScopeMetrics, 1 Metric, 2 points, 2 exemplars.
    assert.equal(countMetricsMessages(body, 1000), 8);
    assert.equal(countMetricsMessages(body, 3), 4);
    assert.equal(countMetricsMessages(emptyResourceMetrics(1_000_000), 10), 11);
    assert.equal(countMetricsMessages(Uint8Array.of(0x0a, 0x00, 0x0a, 0x05, 0x12), 10), 1, 'malformed framing: what was counted, no throw');
  });

  it('charges what the messages decode to against the in-flight budget: busy while others hold it, refused when it alone would pass it', () => {
    const body = emptyResourceMetrics(100);
    const budget = new InflightBytes(100 * DECODED_BYTES_PER_MESSAGE);
    const other = budget.hold();
    assert.ok(other.take(1));
    assert.throws(() => decodeWithinMessageLimit(body, { maxMessages: 1000, maxAttributesPerPoint: 128 }, budget.hold()), ReceiverBusyError);
    other.release();
    const hold = budget.hold();
    assert.equal(decodeWithinMessageLimit(body, { maxMessages: 1000, maxAttributesPerPoint: 128 }, hold).resourceMetrics.length, 100);
    assert.equal(hold.held, 100 * DECODED_BYTES_PER_MESSAGE);
    hold.release();
    const withBody = budget.hold();
    assert.ok(withBody.take(body.length));
    assert.throws(() => decodeWithinMessageLimit(body, { maxMessages: 1000, maxAttributesPerPoint: 128 }, withBody), (error: unknown) => error instanceof RequestBodyError && /would decode to more than maxInflightBytes/.test(error.message));
  });

  it('refuses 16 MiB of empty ResourceMetrics over HTTP and gRPC without decoding them, and takes a request at the limit', { timeout: 60_000 }, async (t) => {
    const { consumer, http, grpc } = await startReceiver(t, { maxRequestBytes: MAX_REQUEST_BYTES, maxMessagesPerRequest: MAX_MESSAGES });
    const body = emptyResourceMetrics(MAX_REQUEST_BYTES / 2);
    globalThis.gc?.();
    const before = heapNow();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, heapNow())), 5);
    const started = performance.now();
    const answer = await callHttp(http, { path: '/v1/metrics', headers: { 'content-type': 'application/x-protobuf' }, body });
    const millis = performance.now() - started;
    peak = Math.max(peak, heapNow());
    clearInterval(sampler);
    t.diagnostic(`HTTP: ${answer.status} in ${millis.toFixed(0)} ms, heap +${((peak - before) / 2 ** 20).toFixed(1)} MiB`);
    assert.equal(answer.status, 400);
    assert.match(answer.body.toString(), /more than 10000 resource metrics, scope metrics, metrics, data points, exemplars and quantiles together \(maxMessagesPerRequest\)/);
    assert.ok(peak - before < HEAP_GROWTH_BOUND, `heap grew by ${((peak - before) / 2 ** 20).toFixed(1)} MiB`);

    const session = await openGrpcSession(grpc);
    t.after(() => session.destroy());
    const grpcAnswer = await rawGrpcCall(session, grpcFrame(body, false), {}, 30_000);
    assert.equal(grpcAnswer.code, GrpcCode.INVALID_ARGUMENT);
    assert.match(grpcAnswer.message, /maxMessagesPerRequest/);

    const atLimit = await callHttp(http, { path: '/v1/metrics', headers: { 'content-type': 'application/x-protobuf' }, body: emptyResourceMetrics(MAX_MESSAGES) });
    assert.equal(atLimit.status, 200, 'a request of exactly the limit is taken (it holds no points, so it does not reach the consumer)');
    assert.equal(consumer.requests.length, 0);
  });
});
